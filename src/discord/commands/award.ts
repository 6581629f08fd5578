// /award member currency amount reason — admins give (or, with a negative amount, take) currency.
// It becomes a manual_award event like any other, so the engine applies it, rules may react to it,
// and replaying the interaction never awards twice; a refused award writes nothing.
import { SlashCommandBuilder } from 'discord.js';
import type { LakeEvent } from '../../events/lake-event.ts';
import { awardRefusal } from '../../ledger/ledger.ts';
import { CommandError } from '../errors.ts';
import { snowflakeIso } from '../normalize/snowflake.ts';
import { labelsFor } from '../../guilds/labels.ts';
import { currencySuggestions } from './currency-option.ts';
import type { SlashCommand } from './command.ts';
import { Colour, embed, formatAmount } from './replies.ts';

const LIMIT = 1_000_000;

export const award: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('award')
    .setDescription('Give a member some currency (admins)')
    .addUserOption((o) => o.setName('member').setDescription('Who receives it').setRequired(true))
    .addStringOption((o) => o.setName('currency').setDescription('Currency key, e.g. gold').setRequired(true).setMaxLength(32).setAutocomplete(true))
    .addIntegerOption((o) => o.setName('amount').setDescription('How much (negative to take away)').setRequired(true).setMinValue(-LIMIT).setMaxValue(LIMIT))
    .addStringOption((o) => o.setName('reason').setDescription('Why (shown in /why)').setMaxLength(200))
    .toJSON(),
  access: 'admin',
  autocomplete: currencySuggestions,
  ephemeral: false,
  async run({ interaction, guildId, userId, configs, pipeline, awards, db }) {
    const member = interaction.options.getUser('member', true);
    const key = interaction.options.getString('currency', true).trim().toLowerCase();
    const amount = interaction.options.getInteger('amount', true);
    const reason = interaction.options.getString('reason') ?? '';
    if (member.bot) throw new CommandError('invalid_member', 'Bots cannot hold currencies; pick a member.');
    if (amount === 0) throw new CommandError('invalid_amount', 'The amount must not be zero.');
    const config = await configs.get(guildId);
    const currency = config.currencies.get(key);
    if (!currency) {
      const known = [...config.currencies.keys()].map((k) => `\`${k}\``).join(', ') || 'none yet';
      throw new CommandError('unknown_currency', `There is no currency \`${key}\` here. Known currencies: ${known}.`, { key });
    }
    const event: LakeEvent & { type: 'manual_award' } = {
      source_id: `award:${interaction.id}`,
      type: 'manual_award',
      guild_id: guildId,
      actor_id: userId,
      target_id: member.id,
      channel_id: interaction.channelId,
      occurred_at: snowflakeIso(interaction.id),
      data: { currency: key, amount, reason },
    };
    // Applied alone, like the API's award: one the ledger refuses is rolled back whole (nothing in
    // the lake), and the admin reads why in the ledger's own words.
    const outcome = await awards.apply(pipeline, event, 'gateway');
    if (!outcome.ok) {
      const why = await awardRefusal(db, guildId, member.id, key, amount);
      throw new CommandError(
        'award_not_applied',
        why?.code === 'out_of_range'
          ? `The award was not applied: ${why.message}.`
          : `The award was not applied: ${member.username}'s ${labelsFor(config.settings).currency(currency)} balance is too low to take ${formatAmount(-amount)}.`,
      );
    }
    const verb = amount > 0 ? 'Awarded' : 'Took';
    const labels = labelsFor(config.settings);
    const shown = `${formatAmount(Math.abs(amount))} ${labels.currencyWithSymbol(currency)}`;
    return {
      embeds: [
        embed(`${verb} ${shown}`, `<@${member.id}> now has **${formatAmount(outcome.balanceAfter)}** ${labels.currency(currency)}.${reason ? `\nReason: ${reason}` : ''}`, { color: Colour.success }),
      ],
    };
  },
};
