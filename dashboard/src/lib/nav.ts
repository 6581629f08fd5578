// The sidebar's entries. A page is a folder under src/routes/g/[guild]/; add its entry here.
// Entries marked `planned` are listed (greyed) until their page exists.
// A relative path (not $api): tests outside the panel's build import this file too.
import type { LabelTerm } from '../../../src/api/contract.ts';
export interface NavEntry {
  /** Path under /g/<guild>; '' is the overview. */
  path: string;
  label: string;
  group: 'Activity' | 'Economy' | 'Configuration';
  planned?: boolean;
  /** The entry is called by this term of the guild's labels when it renamed it ("Achievements"). */
  term?: LabelTerm;
}

export const NAV: NavEntry[] = [
  { path: '', label: 'Overview', group: 'Activity' },
  { path: 'members', label: 'Members', group: 'Activity' },
  { path: 'leaderboard', label: 'Leaderboard', group: 'Activity' },
  { path: 'invites', label: 'Invites', group: 'Activity' },
  { path: 'community', label: 'Community', group: 'Activity' },
  { path: 'tickets', label: 'Tickets', group: 'Activity' },
  { path: 'faq', label: 'FAQ', group: 'Activity' },
  { path: 'onboarding', label: 'Onboarding', group: 'Activity' },
  { path: 'ai', label: 'AI', group: 'Activity' },
  { path: 'rules', label: 'Rules', group: 'Configuration' },
  { path: 'suggestions', label: 'Suggestions', group: 'Configuration' },
  { path: 'dry-run', label: 'Dry run', group: 'Configuration' },
  { path: 'health', label: 'Health', group: 'Configuration' },
  { path: 'setup', label: 'Setup wizard', group: 'Configuration' },
  { path: 'currencies', label: 'Currencies', group: 'Economy' },
  { path: 'zones', label: 'Zones', group: 'Economy' },
  { path: 'milestones', label: 'Milestones', group: 'Economy', term: 'milestones' },
  { path: 'shop', label: 'Shop', group: 'Economy' },
  { path: 'commands', label: 'Commands', group: 'Configuration' },
  { path: 'seasons', label: 'Seasons', group: 'Economy' },
  { path: 'presets', label: 'Presets', group: 'Configuration' },
  { path: 'audit', label: 'Audit log', group: 'Configuration' },
  { path: 'data-sources', label: 'Data sources', group: 'Configuration' },
  { path: 'settings', label: 'Settings', group: 'Configuration' },
];
