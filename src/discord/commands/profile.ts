// /profile [member] — a member's rank card (card.png in the embed) with balances and levels as
// fields; the embed alone when the card cannot be drawn in time.
import { SlashCommandBuilder } from 'discord.js';
import { sharedRankCards, type RankCards } from '../../cards/rank-cards.ts';
import type { SlashCommand } from './command.ts';
import { PROFILE_SECTIONS } from './profile-sections.ts';
import { embed } from './replies.ts';

export const CARD_FILE = 'card.png';

/**
 * The command with a given card service per REST base (tests pass one whose avatars or drawing
 * they control); by default the process's shared one for the Discord the client talks to.
 */
export function profileCommand(cardsFor: (discordApiUrl: string | undefined) => RankCards = sharedRankCards): SlashCommand {
  return {
    data: new SlashCommandBuilder()
      .setName('profile')
      .setDescription("Your rank card, balances and levels, or another member's")
      .addUserOption((o) => o.setName('member').setDescription('Whose profile (default: yours)'))
      .toJSON(),
    access: 'member',
    ephemeral: false,
    async run(context) {
      const { interaction, guildId, userId, db, logger } = context;
      const member = interaction.options.getUser('member') ?? interaction.user;
      const name = member.globalName ?? member.username;
      const [sections, card] = await Promise.all([
        Promise.all(PROFILE_SECTIONS.map((section) => section(context, guildId, member.id))),
        cardsFor(interaction.client.options.rest?.api).card(db, guildId, member.id, { fallback: { displayName: name, username: member.username } }),
      ]);
      const fields = sections.flat().slice(0, 25);
      const who = member.id === userId ? 'You have' : `${name} has`;
      const reply = fields.length === 0 ? embed(`${name}'s profile`, `${who} not earned anything yet.`) : embed(`${name}'s profile`, undefined, { fields });
      if (card.kind !== 'rendered') {
        logger.warn({ command: 'profile', guildId, member: member.id, reason: card.kind, ...(card.kind === 'failed' ? { err: card.error } : {}) }, 'rank card not drawn; answering with the embed alone');
        return { embeds: [reply] };
      }
      return { embeds: [{ ...reply, image: { url: `attachment://${CARD_FILE}` } }], files: [{ name: CARD_FILE, data: card.png }] };
    },
  };
}

export const profile: SlashCommand = profileCommand();
