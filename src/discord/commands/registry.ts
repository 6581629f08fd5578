// The slash commands Cairn offers. Adding one: write its file, then list it here.
import { award } from './award.ts';
import type { SlashCommand } from './command.ts';
import { profile } from './profile.ts';
import { why } from './why.ts';

export const COMMANDS: readonly SlashCommand[] = [profile, why, award];

export function commandNamed(name: string, commands: readonly SlashCommand[] = COMMANDS): SlashCommand | undefined {
  return commands.find((c) => c.data.name === name);
}
