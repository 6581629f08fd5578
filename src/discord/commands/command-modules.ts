// Which module owns which slash command, and the commands a guild offers with the modules it has on.
import type { ModuleCommand } from '../../guilds/module-switch.ts';
import { disabledModules } from '../../guilds/modules.ts';
import type { SlashCommand } from './command.ts';

/** The commands of `commands` a guild with these settings offers (those of modules it switched off are left out). */
export function enabledCommands(commands: readonly SlashCommand[], settings: Record<string, unknown>): SlashCommand[] {
  const off = disabledModules(settings);
  return commands.filter((c) => !c.module || !off.has(c.module));
}

/** Which module owns which command, for the modules list (built-ins without a module are core). */
export function commandModules(commands: readonly SlashCommand[]): ModuleCommand[] {
  return commands.flatMap((c) => (c.module ? [{ name: c.data.name, module: c.module }] : []));
}
