// An independent, straightforward implementation of Synapse v3's reward pipeline exactly as
// PRODUCT.md §3 states it — written without Cairn's engine — to check the classic preset against.
import type { LakeEvent } from '../../src/events/lake-event.ts';

/** A Synapse multiplier row: [xp multiplier, star multiplier]. */
export type MultiplierRow = [number, number];

export interface ReferenceZones {
  /** Channel overrides: channel id → event type ("message", "reaction_given", …, or "*") → row */
  channels: Record<string, Record<string, MultiplierRow>>;
  /** Channel-type defaults: channel type → event type → row */
  defaults: Record<string, Record<string, MultiplierRow>>;
}

export interface ReferenceMember {
  xp: number;
  stars: number;
  gold: number;
  level: number;
  /** Classic seed milestones earned (PRODUCT.md §3's list, with 7- and 30-day streaks). */
  milestones: Set<string>;
}

interface Stats {
  messages: number;
  reactionsGiven: number;
  reactionsReceived: number;
  voiceSeconds: number;
  activeDays: Set<string>;
}

function streak(days: Set<string>, today: string, length: number): boolean {
  let t = Date.parse(`${today}T00:00:00.000Z`);
  for (let i = 0; i < length; i++, t -= 86_400_000) if (!days.has(new Date(t).toISOString().slice(0, 10))) return false;
  return true;
}

const MILESTONES: [string, (m: ReferenceMember, s: Stats, today: string) => boolean][] = [
  ['chatterbox', (_m, s) => s.messages >= 100],
  ['thousand_words', (_m, s) => s.messages >= 1000],
  ['novelist', (_m, s) => s.messages >= 10_000],
  ['cheerleader', (_m, s) => s.reactionsGiven >= 200],
  ['superfan', (_m, s) => s.reactionsGiven >= 1000],
  ['popular', (_m, s) => s.reactionsReceived >= 500],
  ['celebrity', (_m, s) => s.reactionsReceived >= 5000],
  ['first_steps', (m) => m.xp >= 100],
  ['committed', (m) => m.xp >= 5000],
  ['veteran', (m) => m.xp >= 50_000],
  ['night_owl', (_m, s) => s.voiceSeconds / 60 >= 600],
  ['insomniac', (_m, s) => s.voiceSeconds / 60 >= 6000],
  ['streak_starter', (_m, s, today) => streak(s.activeDays, today, 3)],
  ['dedicated', (_m, s, today) => streak(s.activeDays, today, 7)],
  ['unstoppable', (_m, s, today) => streak(s.activeDays, today, 30)],
];

const DAY_MS = 86_400_000;

export class SynapseV3Reference {
  readonly members = new Map<string, ReferenceMember>();
  readonly #seen = new Set<string>();
  readonly #lastRewardedMessage = new Map<string, number>();
  readonly #receptions = new Map<string, number[]>();
  readonly #stats = new Map<string, Stats>();

  constructor(private readonly zones: ReferenceZones) {}

  /** Resolves the (xp, star) row: channel + exact type, channel + "*", type default + exact, type default + "*", else (1, 1). */
  row(channel: string | null, channelType: string, key: string): MultiplierRow {
    const own = channel ? this.zones.channels[channel] : undefined;
    if (own?.[key]) return own[key];
    if (own?.['*']) return own['*'];
    const fallback = this.zones.defaults[channelType];
    if (fallback?.[key]) return fallback[key];
    if (fallback?.['*']) return fallback['*'];
    return [1, 1];
  }

  static quality(d: Record<string, unknown>): number {
    let q = 1.0;
    const length = Number(d.length ?? 0);
    if (length > 500) q = q * 1.5;
    else if (length > 200) q = q * 1.2;
    if (d.has_code_block) q = q * 1.4;
    if (d.has_link) q = q * 1.25;
    if (d.has_attachment) q = q * 1.1;
    if (Number(d.emoji_count ?? 0) > 5) q = q * 0.5;
    return q < 0.1 ? 0.1 : q;
  }

  member(id: string): ReferenceMember {
    let m = this.members.get(id);
    if (!m) {
      m = { xp: 0, stars: 0, gold: 0, level: 1, milestones: new Set() };
      this.members.set(id, m);
    }
    return m;
  }

  stats(id: string): Stats {
    let s = this.#stats.get(id);
    if (!s) this.#stats.set(id, (s = { messages: 0, reactionsGiven: 0, reactionsReceived: 0, voiceSeconds: 0, activeDays: new Set() }));
    return s;
  }

  /** Every event counts toward its members' stats, rewarded or not; milestones are checked after. */
  #count(e: LakeEvent): void {
    const actor = this.stats(e.actor_id);
    actor.activeDays.add(e.occurred_at.slice(0, 10));
    if (e.type === 'message_create') actor.messages++;
    if (e.type === 'reaction_add') {
      actor.reactionsGiven++;
      if (e.target_id && e.target_id !== e.actor_id) this.stats(e.target_id).reactionsReceived++;
    }
    if (e.type === 'voice_session_end' && !e.data.is_afk) actor.voiceSeconds += Math.trunc(Number(e.data.duration_seconds));
  }

  #checkMilestones(e: LakeEvent): void {
    const today = e.occurred_at.slice(0, 10);
    for (const id of new Set([e.actor_id, e.target_id].filter((x): x is string => !!x))) {
      const m = this.member(id);
      const s = this.stats(id);
      for (const [key, test] of MILESTONES) if (test(m, s, today)) m.milestones.add(key);
    }
  }

  #give(id: string, xp: number, stars: number): void {
    const m = this.member(id);
    m.xp += xp;
    m.stars += stars;
    if (xp > 0 && m.xp >= Math.trunc(100 * Math.pow(1.25, m.level))) {
      m.level += 1;
      m.gold += 50;
    }
  }

  process(e: LakeEvent): void {
    const key = `${e.guild_id}/${e.source_id}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#count(e);
    this.#reward(e);
    this.#checkMilestones(e);
  }

  #reward(e: LakeEvent): void {
    const t = Date.parse(e.occurred_at);
    const ch = e.channel_id;
    const text = (currency: string, k: string) => this.row(ch, 'text', k)[currency === 'xp' ? 0 : 1];
    switch (e.type) {
      case 'message_create': {
        const cooldownKey = `${e.actor_id}|${ch}`;
        const last = this.#lastRewardedMessage.get(cooldownKey);
        if (last !== undefined && t - last < 30_000) {
          this.member(e.actor_id);
          return;
        }
        this.#lastRewardedMessage.set(cooldownKey, t);
        const xp = Math.trunc(15 * text('xp', 'message') * SynapseV3Reference.quality(e.data));
        const stars = Math.trunc(1 * text('stars', 'message'));
        this.#give(e.actor_id, xp, stars);
        return;
      }
      case 'reaction_add': {
        this.#give(e.actor_id, Math.trunc(2 * text('xp', 'reaction_given')), Math.trunc(1 * text('stars', 'reaction_given')));
        const author = e.target_id;
        if (!author || author === e.actor_id) return;
        const unique = Number(e.data.unique_reactor_count);
        const age = Number(e.data.message_age_seconds);
        let xp = Math.trunc(3 * text('xp', 'reaction_received'));
        if (unique > 10 && age < 300) xp = Math.min(xp, 5);
        const pair = `${e.actor_id}|${author}`;
        const recent = (this.#receptions.get(pair) ?? []).filter((at) => at <= t && at > t - DAY_MS);
        let stars = 0;
        if (recent.length < 3) {
          const adjusted = unique > 10 ? 10 + Math.trunc((unique - 10) / 2) : Math.min(1, unique);
          stars = Math.trunc(adjusted * text('stars', 'reaction_received'));
          recent.push(t);
        }
        this.#receptions.set(pair, recent);
        this.#give(author, xp, stars);
        return;
      }
      case 'thread_create':
        this.#give(e.actor_id, Math.trunc(20 * text('xp', 'thread_create')), Math.trunc(2 * text('stars', 'thread_create')));
        return;
      case 'voice_session_end': {
        if (e.data.is_afk) {
          this.member(e.actor_id);
          return;
        }
        // Synapse ticked every 10 minutes for members in voice (not muted and deafened).
        const ticks = Math.floor(Number(e.data.duration_seconds) / 600);
        const perTick = Math.trunc(1 * this.row(ch, 'voice', 'voice_tick')[1]);
        this.#give(e.actor_id, 0, ticks * perTick);
        return;
      }
      default:
        this.member(e.actor_id);
    }
  }
}
