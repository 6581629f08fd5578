// A guild's custom command as a slash command: its registration data from the document, and a run
// that checks who may use it and the member's cooldown, records the invocation as a `command` event
// (rules react to it; ids as strings), then answers with the rendered reply template.
import { ApplicationCommandOptionType, ApplicationCommandType, type APIApplicationCommandBasicOption, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { balancesIn, renderTemplate } from '../../custom-commands/template.ts';
import { claimUse, releaseUse } from '../../custom-commands/cooldown.ts';
import { memberBalances } from '../../custom-commands/balances.ts';
import type { CustomCommand, OptionType } from '../../custom-commands/schema.ts';
import type { LakeEvent } from '../../events/lake-event.ts';
import { isModuleEnabled } from '../../guilds/modules.ts';
import { snowflakeIso } from '../normalize/snowflake.ts';
import type { CommandContext, CommandReply, SlashCommand } from './command.ts';
import { isCairnAdmin, memberRoleIds } from './permissions.ts';
import { Colour, refuse, relativeTime } from './replies.ts';

const OPTION_TYPE: Record<OptionType, ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.User | ApplicationCommandOptionType.Channel | ApplicationCommandOptionType.Role> = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  member: ApplicationCommandOptionType.User,
  channel: ApplicationCommandOptionType.Channel,
  role: ApplicationCommandOptionType.Role,
};

/** What Discord is sent for the command. */
export function customCommandData(command: CustomCommand): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: command.description,
    options: command.options.map(
      (o) =>
        ({
          type: OPTION_TYPE[o.type],
          name: o.name,
          description: o.description,
          required: o.required,
          ...(o.choices.length > 0 ? { choices: o.choices.map((c) => ({ name: c.name, value: c.value })) } : {}),
        }) as APIApplicationCommandBasicOption,
    ),
  };
}

type OptionValue = string | number | boolean | null;

/** The command's invocation as a lake event: the invoker, the first member option as target. */
export function invocationEvent(command: CustomCommand, context: { interactionId: string; guildId: string; userId: string; channelId: string | null; options: Record<string, OptionValue> }): LakeEvent {
  const target = command.options.find((o) => o.type === 'member' && typeof context.options[o.name] === 'string');
  return {
    source_id: context.interactionId,
    type: 'command',
    guild_id: context.guildId,
    actor_id: context.userId,
    target_id: target ? (context.options[target.name] as string) : null,
    channel_id: context.channelId,
    occurred_at: snowflakeIso(context.interactionId),
    data: { name: command.name, options: context.options },
  } as LakeEvent;
}

async function run(context: CommandContext, name: string): Promise<CommandReply> {
  const { interaction, guildId, userId, configs, db, clock, pipeline } = context;
  // The newest document: the registration may be a moment older than an edit.
  const config = await configs.get(guildId);
  const command = config.commands.find((c) => c.name === name);
  if (!command || !isModuleEnabled(config.settings, command.module)) return refuse('unknown_command', `/${name} is not available on this server any more.`, { command: name });
  if (command.access === 'admins' && !isCairnAdmin(interaction, config.settings)) {
    return refuse('not_admin', `Only admins can use /${name} (Manage Server permission or a Cairn admin role).`, { command: name });
  }
  if (command.access === 'roles' && !isCairnAdmin(interaction, config.settings)) {
    const held = new Set(memberRoleIds(interaction));
    if (!command.roles.some((r) => held.has(r))) {
      return refuse('not_allowed', `/${name} is for members with ${command.roles.map((r) => `<@&${r}>`).join(', ')}.`, { command: name });
    }
  }
  const at = clock.now();
  const use = { guildId, name, userId, cooldownSeconds: command.cooldown_seconds, at };
  const claim = await claimUse(db, use);
  if (!claim.ok) return refuse('cooldown', `You can use /${name} again ${relativeTime(claim.retryAt)}.`, { command: name, retryAt: claim.retryAt.toISOString() });
  const options: Record<string, OptionValue> = {};
  for (const o of interaction.options.data) options[o.name] = (o.value as OptionValue | undefined) ?? null;
  const event = invocationEvent(command, { interactionId: interaction.id, guildId, userId, channelId: interaction.channelId, options });
  try {
    const result = await pipeline.ingest([event], { origin: 'gateway', guildId });
    if (result.rejected.length > 0) throw new Error(`command event rejected: ${JSON.stringify(result.rejected[0]!.errors)}`);
  } catch (error) {
    // Not recorded, so it does not count against the cooldown either.
    if (command.cooldown_seconds > 0) await releaseUse(db, use).catch(() => undefined);
    throw error;
  }
  const member = interaction.member;
  const memberName = (member && 'displayName' in member ? member.displayName : undefined) ?? interaction.user.globalName ?? interaction.user.username;
  const text = renderTemplate(command, {
    memberId: userId,
    memberName,
    channelId: interaction.channelId,
    command: name,
    options,
    balances: await memberBalances(db, guildId, userId, balancesIn(command.reply.template)),
  });
  // An embed: mentions in it show as names but never ping (an option could hold "@everyone").
  return { embeds: [{ description: text, color: Colour.info }] };
}

/** The slash command for a custom command document. */
export function customSlashCommand(command: CustomCommand): SlashCommand {
  return {
    data: customCommandData(command),
    // Access is checked in run, against the newest document.
    access: 'member',
    ephemeral: command.reply.ephemeral,
    run: (context) => run(context, command.name),
  };
}
