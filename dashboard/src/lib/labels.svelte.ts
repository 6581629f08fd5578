// What a guild calls things (settings.labels, see src/guilds/labels.ts): a currency key renames
// that currency, the terms below rename Cairn's own words. One store per guild, loaded once and
// replaced after the settings page saves labels, so the menu, titles and tables follow at once.
import { api, g } from './api';
import type { GuildSettingsView, LabelTerm } from '$api/contract';

/** The terms a guild may rename, the word shown when it does not, and what each one changes. */
export const LABEL_TERMS: Record<LabelTerm, { default: string; effect: string }> = {
  milestones: { default: 'Milestones', effect: 'What milestones are called: the menu, this panel’s pages, /milestones and /profile.' },
  level: { default: 'Level', effect: 'The word before a level number: /profile, rank cards and the leaderboard.' },
};

export class GuildLabels {
  stored = $state<Record<string, string>>({});
  loaded = $state(false);

  constructor(readonly guildId: string) {}

  async load() {
    try {
      const settings = await api.get<GuildSettingsView>(g(this.guildId, 'settings'));
      this.set(settings.labels ?? {});
    } catch {
      // Without settings the panel shows the plain words.
    }
    this.loaded = true;
  }

  set(labels: Record<string, string> | null | undefined) {
    this.stored = { ...(labels ?? {}) };
  }

  /** A currency's name as the guild calls it. */
  currency(c: { key: string; name: string }): string {
    return (Object.hasOwn(LABEL_TERMS, c.key) ? undefined : this.stored[c.key]) ?? c.name;
  }

  term(term: LabelTerm): string {
    return this.stored[term] ?? LABEL_TERMS[term].default;
  }
}

const cache = new Map<string, GuildLabels>();

export function labelsFor(guildId: string): GuildLabels {
  let labels = cache.get(guildId);
  if (!labels) {
    labels = new GuildLabels(guildId);
    cache.set(guildId, labels);
    void labels.load();
  }
  return labels;
}
