// The slash commands Cairn offers. Adding one: write its file, then list it here.
import { audit } from './audit.ts';
import { award } from './award.ts';
import { buy } from './buy.ts';
import { config } from './config.ts';
import type { SlashCommand } from './command.ts';
import { faq } from './faq.ts';
import { grant } from './grant.ts';
import { invites } from './invites.ts';
import { leaderboard } from './leaderboard.ts';
import { milestones } from './milestones.ts';
import { onboarding } from './onboarding.ts';
import { privacy } from './privacy.ts';
import { profile } from './profile.ts';
import { season } from './season.ts';
import { settings } from './settings.ts';
import { shop } from './shop.ts';
import { why } from './why.ts';
import { ticket } from '../tickets/command.ts';

export const COMMANDS: readonly SlashCommand[] = [profile, leaderboard, milestones, why, shop, buy, award, season, audit, settings, grant, config, ticket, onboarding, faq, privacy, invites];

export function commandNamed(name: string, commands: readonly SlashCommand[] = COMMANDS): SlashCommand | undefined {
  return commands.find((c) => c.data.name === name);
}
