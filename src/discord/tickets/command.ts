// /ticket (module support): `panel [channel]` for admins; inside a ticket's thread or channel,
// `claim`, `close [reason]`, `add member`, `remove member`, `rename name`, `waiting`, `reopen`.
// Answers are private; what everyone in the ticket should see is posted in it.
import { ChannelType, SlashCommandBuilder } from 'discord.js';
import { MAX_NAME, MAX_REASON } from '../../tickets/text.ts';
import type { CommandContext, CommandReply, SlashCommand } from '../commands/command.ts';
import { Colour, embed } from '../commands/replies.ts';
import { changeMember, claimTicket, closeTicket, renameTicket, reopenTicket, ticketHere, waitOnMember } from './actions.ts';
import { deskFor } from './desk.ts';
import { invokerOf } from './invoker.ts';
import { postPanel } from './panel.ts';

const data = new SlashCommandBuilder()
  .setName('ticket')
  .setDescription('Support tickets')
  .addSubcommand((s) =>
    s
      .setName('panel')
      .setDescription('Post the "Open a ticket" panel (admins)')
      .addChannelOption((o) => o.setName('channel').setDescription('Where to post it (default: here)').addChannelTypes(ChannelType.GuildText)),
  )
  .addSubcommand((s) => s.setName('claim').setDescription('Claim this ticket (staff)'))
  .addSubcommand((s) => s.setName('close').setDescription('Close this ticket').addStringOption((o) => o.setName('reason').setDescription('Why it is closed').setMaxLength(MAX_REASON)))
  .addSubcommand((s) => s.setName('add').setDescription('Add a member to this ticket (staff)').addUserOption((o) => o.setName('member').setDescription('Who to add').setRequired(true)))
  .addSubcommand((s) => s.setName('remove').setDescription('Remove a member from this ticket (staff)').addUserOption((o) => o.setName('member').setDescription('Who to remove').setRequired(true)))
  .addSubcommand((s) => s.setName('rename').setDescription('Rename this ticket (staff)').addStringOption((o) => o.setName('name').setDescription('The new name').setRequired(true).setMaxLength(MAX_NAME)))
  .addSubcommand((s) => s.setName('waiting').setDescription('Mark this ticket as waiting on the member (staff)'))
  .addSubcommand((s) => s.setName('reopen').setDescription('Reopen this closed ticket'))
  .toJSON();

async function run(context: CommandContext): Promise<CommandReply> {
  const { interaction } = context;
  const desk = deskFor(interaction.client, context);
  const { invoker, settings } = await invokerOf(desk, interaction);
  const sub = interaction.options.getSubcommand(true);
  const here = () => ticketHere(desk, invoker, sub);
  let text: string;
  switch (sub) {
    case 'panel':
      text = await postPanel(desk, invoker, settings, interaction.options.getChannel('channel')?.id ?? null);
      break;
    case 'claim':
      text = await claimTicket(desk, invoker, settings, await here());
      break;
    case 'close':
      text = await closeTicket(desk, invoker, settings, await here(), interaction.options.getString('reason'));
      break;
    case 'add':
    case 'remove':
      text = await changeMember(desk, invoker, settings, await here(), interaction.options.getUser('member', true).id, sub);
      break;
    case 'rename':
      text = await renameTicket(desk, invoker, settings, await here(), interaction.options.getString('name', true));
      break;
    case 'waiting':
      text = await waitOnMember(desk, invoker, settings, await here());
      break;
    case 'reopen':
      text = await reopenTicket(desk, invoker, settings, await here());
      break;
    default:
      text = 'This /ticket command is not available any more.';
  }
  return { embeds: [embed('Tickets', text, { color: Colour.info })] };
}

export const ticket: SlashCommand = { data, access: 'member', ephemeral: true, module: 'support', run };
