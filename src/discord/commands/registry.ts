// The slash commands Cairn offers. Adding one: write its file, then list it here.
import { disabledModules } from '../../guilds/modules.ts';
import type { ModuleCommand } from '../../guilds/module-switch.ts';
import { audit } from './audit.ts';
import { award } from './award.ts';
import { buy } from './buy.ts';
import type { SlashCommand } from './command.ts';
import { leaderboard } from './leaderboard.ts';
import { milestones } from './milestones.ts';
import { profile } from './profile.ts';
import { season } from './season.ts';
import { settings } from './settings.ts';
import { shop } from './shop.ts';
import { why } from './why.ts';

export const COMMANDS: readonly SlashCommand[] = [profile, leaderboard, milestones, why, shop, buy, award, season, audit, settings];

/** The commands of `commands` a guild with these settings offers (those of modules it switched off are left out). */
export function enabledCommands(commands: readonly SlashCommand[], settings: Record<string, unknown>): SlashCommand[] {
  const off = disabledModules(settings);
  return commands.filter((c) => !c.module || !off.has(c.module));
}

/** Which module owns which command, for the modules list (built-ins without a module are core). */
export function commandModules(commands: readonly SlashCommand[] = COMMANDS): ModuleCommand[] {
  return commands.flatMap((c) => (c.module ? [{ name: c.data.name, module: c.module }] : []));
}

export function commandNamed(name: string, commands: readonly SlashCommand[] = COMMANDS): SlashCommand | undefined {
  return commands.find((c) => c.data.name === name);
}
