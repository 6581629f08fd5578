// /config <subcommand> — the few guild settings that are handy from Discord, for admins, answered
// privately: the announcement channel, a module on or off, and a summary. Each change goes through
// the settings' one write path (validated, audit-logged, in force on every process at once).
import { ChannelType, SlashCommandBuilder, type SlashCommandSubcommandBuilder } from 'discord.js';
import { listModules, setModuleEnabled } from '../../guilds/module-switch.ts';
import { disabledModules, ModuleName } from '../../guilds/modules.ts';
import { changeSettings, GuildSettingsPatch } from '../../guilds/settings.ts';
import { CommandError } from '../errors.ts';
import type { CommandContext, CommandReply, SlashCommand } from './command.ts';
import { suggest } from './currency-option.ts';
import { Colour, embed } from './replies.ts';
import { commandModules } from './command-modules.ts';

interface ConfigSubcommand {
  name: string;
  describe(s: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
  run(context: CommandContext): Promise<CommandReply>;
}

const actorOf = ({ userId, interaction }: CommandContext) => `discord:${userId} (${interaction.user.username})`;

const announcements: ConfigSubcommand = {
  name: 'announcements',
  describe: (s) =>
    s
      .setDescription('Where milestone announcements go (leave the channel out to stop them)')
      .addChannelOption((o) => o.setName('channel').setDescription('A text channel; none: no announcements').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement)),
  async run(context) {
    const channel = context.interaction.options.getChannel('channel');
    const patch = GuildSettingsPatch.safeParse({ announce_channel_id: channel?.id ?? null });
    if (!patch.success) throw new CommandError('invalid_option', 'That channel cannot be used for announcements.');
    const result = await changeSettings(context.db, context.guildId, patch.data, actorOf(context));
    if (!result.ok) throw new CommandError('not_in_guild', 'Cairn does not know this server yet; try again in a moment.');
    return {
      embeds: [
        channel
          ? embed('Announcements channel set', `Milestone announcements now go to <#${channel.id}>.`, { color: Colour.success })
          : embed('Announcements channel cleared', 'Milestone announcements are no longer posted (a rule naming its own channel still posts there).', { color: Colour.success }),
      ],
    };
  },
};

const moduleSwitch: ConfigSubcommand = {
  name: 'module',
  describe: (s) =>
    s
      .setDescription('Switch a module (its rules and commands) on or off')
      .addStringOption((o) => o.setName('name').setDescription('The module, e.g. habits').setRequired(true).setMaxLength(48).setAutocomplete(true))
      .addBooleanOption((o) => o.setName('enabled').setDescription('true: on; false: its rules stop paying and its commands go').setRequired(true)),
  async run(context) {
    const typed = context.interaction.options.getString('name', true).trim().toLowerCase();
    const enabled = context.interaction.options.getBoolean('enabled', true);
    const name = ModuleName.safeParse(typed);
    if (!name.success) throw new CommandError('unknown_module', 'A module name is lower-case letters, digits, - and _.');
    const result = await setModuleEnabled(context.db, context.guildId, name.data, enabled, actorOf(context), commandModules(context.commands ?? []));
    if (!result.ok && result.code === 'invalid') throw new CommandError('invalid_settings', `The settings could not be saved: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`);
    if (!result.ok) {
      const known = ((await listModules(context.db, context.guildId, commandModules(context.commands ?? []))) ?? []).map((m) => `\`${m.name}\``).join(', ') || 'none yet';
      throw new CommandError('unknown_module', `There is no module \`${name.data}\` here. Modules: ${known}.`, { module: name.data });
    }
    const m = result.module;
    const what = `${m.enabledRules} rule${m.enabledRules === 1 ? '' : 's'}${m.commands.length ? ` and ${m.commands.map((c) => `/${c}`).join(', ')}` : ''}`;
    if (!result.changed) return { embeds: [embed('Nothing changed', `Module **${m.name}** is already ${enabled ? 'on' : 'off'}.`)] };
    return {
      embeds: [
        enabled
          ? embed(`Module ${m.name} is on`, `Its ${what} work again.`, { color: Colour.success })
          : embed(`Module ${m.name} is off`, `Its ${what} stopped: no rewards from them until it is switched back on.`, { color: Colour.success }),
      ],
    };
  },
};

const show: ConfigSubcommand = {
  name: 'show',
  describe: (s) => s.setDescription('The announcement channel and the modules, on or off'),
  async run(context) {
    const config = await context.configs.get(context.guildId);
    const channel = typeof config.settings.announce_channel_id === 'string' ? `<#${config.settings.announce_channel_id}>` : 'none';
    const off = disabledModules(config.settings);
    const modules = (await listModules(context.db, context.guildId, commandModules(context.commands ?? []))) ?? [];
    const lines = modules.map((m) => `${off.has(m.name) ? '⏸️' : '✅'} **${m.name}**: ${m.enabledRules} rule${m.enabledRules === 1 ? '' : 's'}${off.has(m.name) ? ' (off)' : ''}`);
    return { embeds: [embed('Cairn settings', `Announcements: ${channel}\n\n${lines.join('\n') || 'No modules yet.'}`.slice(0, 4000))] };
  },
};

const SUBCOMMANDS: readonly ConfigSubcommand[] = [announcements, moduleSwitch, show];

const data = new SlashCommandBuilder().setName('config').setDescription('Server settings for Cairn (admins)');
for (const sub of SUBCOMMANDS) data.addSubcommand((s) => sub.describe(s.setName(sub.name)));

export const config: SlashCommand = {
  data: data.toJSON(),
  access: 'admin',
  ephemeral: true,
  async autocomplete({ db, guildId, focused, commands }) {
    if (focused.name !== 'name') return [];
    const modules = (await listModules(db, guildId, commandModules(commands ?? []))) ?? [];
    return suggest(modules, focused.value, (m) => `${m.name} (${m.enabled ? 'on' : 'off'}, ${m.rules} rule${m.rules === 1 ? '' : 's'})`, (m) => m.name);
  },
  async run(context) {
    const name = context.interaction.options.getSubcommand();
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (!sub) throw new CommandError('unknown_command', `\`${name.slice(0, 32)}\` is not a /config setting.`);
    return sub.run(context);
  },
};
