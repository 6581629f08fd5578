// The milestone checker the milestone_check effect calls inside an event's transaction. Per batch
// it preloads, for the batch's members (whose wallets the engine holds locked): awards so far,
// lifetime and daily counters, announcement opt-outs and channel throttles. Counters already hold
// the whole batch (the lake insert came first), so the batch's own contributions are taken out and
// added back event by event: a milestone is reached by exactly the event that reaches it.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { readEach, type Reader } from '../db/read-together.ts';
import { bigintArray, perMember, textArray } from '../db/sql.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { counterValue } from '../events/lake-writer.ts';
import type { CompiledConfig, CompiledMilestone } from '../rules/compiler.ts';
import type { EngineState } from '../rules/state.ts';
import type { MilestoneAward, MilestoneHook } from '../rules/types.ts';
import { localDay, meets, previousDay, type MemberFacts } from './requirements.ts';
import type { Requirement } from './schema.ts';

interface Tally {
  count: number;
  value: number;
}

const key = (type: string, side: string) => `${type}|${side}`;

/** Counters of one member: lifetime per type/side (with per-channel detail) and per day. */
class MemberCounters {
  readonly totals = new Map<string, Tally & { channels: Map<string, Tally> }>();
  readonly days = new Map<string, Map<string, Tally>>();

  addTotal(typeSide: string, channel: string, count: number, value: number): void {
    let t = this.totals.get(typeSide);
    if (!t) this.totals.set(typeSide, (t = { count: 0, value: 0, channels: new Map() }));
    t.count += count;
    t.value += value;
    const c = t.channels.get(channel) ?? { count: 0, value: 0 };
    c.count += count;
    c.value += value;
    t.channels.set(channel, c);
  }

  addDay(day: string, typeSide: string, count: number, value: number): void {
    let d = this.days.get(day);
    if (!d) this.days.set(day, (d = new Map()));
    const t = d.get(typeSide) ?? { count: 0, value: 0 };
    t.count += count;
    t.value += value;
    d.set(typeSide, t);
  }
}

export interface BatchMilestoneHook extends MilestoneHook {
  /** Call before evaluating each event of the batch, in order. */
  advance(event: LakeEvent): void;
}

function typesUsed(r: Requirement, out: Set<string>, streakAny: { value: boolean }): void {
  if (r.type === 'event_count') for (const e of r.events) out.add(e);
  else if (r.type === 'streak') {
    if (r.events) for (const e of r.events) out.add(e);
    else streakAny.value = true;
  } else if (r.type === 'all' || r.type === 'any') for (const x of r.of) typesUsed(x, out, streakAny);
}

function longestStreak(r: Requirement): number {
  if (r.type === 'streak') return r.days;
  if (r.type === 'all' || r.type === 'any') return Math.max(0, ...r.of.map(longestStreak));
  return 0;
}

export class MilestoneChecker {
  /** A checker with no stored history (a dry run against a preset): only the state's wallets count. */
  static empty(config: CompiledConfig, state: EngineState): BatchMilestoneHook {
    return new BatchChecker(config, state, config.milestones.filter((m) => m.requirement.type !== 'custom'), new Map(), new Set(), new Set(), new Map());
  }

  /**
   * Preloads what the batch's members' milestones need. `events` are the batch's events, already
   * counted in the database; pass [] when the events to check are not stored (a dry run) and
   * advance() each before checking it. `read` runs the queries (a batch's reader runs them with the
   * batch's other reads as one statement).
   */
  async prepare(tx: Executor, config: CompiledConfig, memberIds: string[], state: EngineState, events: LakeEvent[], read: Reader = readEach(tx)): Promise<BatchMilestoneHook> {
    const templates = config.milestones.filter((m) => m.requirement.type !== 'custom');
    const members = new Map(memberIds.map((id) => [id, new MemberCounters()]));
    const awarded = new Set<string>();
    const optOut = new Set<string>();
    const lastAnnounced = new Map<string, number>();
    if (templates.length > 0 && memberIds.length > 0) {
      const ids = bigintArray(memberIds);
      const types = new Set<string>();
      const streakAny = { value: false };
      for (const m of templates) typesUsed(m.requirement, types, streakAny);
      const streakDays = Math.max(0, ...templates.map((m) => longestStreak(m.requirement)));
      const needsSeason = templates.some((m) => m.scope === 'season');
      let from: string | undefined;
      if (streakDays > 0 || needsSeason) {
        const earliestEvent = events.reduce((min, e) => (e.occurred_at < min ? e.occurred_at : min), events[0]?.occurred_at ?? new Date().toISOString());
        from = localDay(earliestEvent, config.timezone);
        for (let i = 0; i < streakDays; i++) from = previousDay(from);
        if (needsSeason && config.season) {
          const seasonDay = localDay(config.season.startedAt, config.timezone);
          if (seasonDay < from) from = seasonDay;
        }
      }
      const channels = new Set(templates.filter((m) => m.announce).map((m) => m.announce_channel ?? config.settings.announce_channel_id).filter((c): c is string => !!c));
      // Asked for at once: a reader of the batch (db/read-together.ts) runs them as one statement.
      const none = Promise.resolve([]);
      const [awards, totals, days, quiet, throttles] = await Promise.all([
        read<{ user_id: string; milestone_id: number; season_id: number }>(
          sql`SELECT user_id::text, milestone_id, season_id FROM member_milestones WHERE guild_id = ${config.guildId} AND user_id = ANY(${ids})`,
        ),
        types.size === 0 ? none : read<{ user_id: string; event_type: string; side: string; channel_id: string; count: string; value_sum: string }>(
          perMember(memberIds, (member) => sql`SELECT user_id::text, event_type, side, channel_id::text, count::text, value_sum::text FROM event_counters_total
              WHERE guild_id = ${config.guildId} AND user_id = ${member} AND event_type = ANY(${textArray([...types])})`),
        ),
        from === undefined ? none : read<{ user_id: string; event_type: string; side: string; day: string; count: number; value_sum: string }>(
          perMember(memberIds, (member) => sql`SELECT user_id::text, event_type, side, day::text, count, value_sum::text FROM event_counters_daily
              WHERE guild_id = ${config.guildId} AND user_id = ${member} AND day >= ${from}::date`),
        ),
        read<{ user_id: string }>(sql`SELECT user_id::text FROM members WHERE guild_id = ${config.guildId} AND user_id = ANY(${ids}) AND announce_opt_out`),
        channels.size === 0 ? none : read<{ channel: string; last: string }>(
          sql`SELECT payload->>'channel_id' AS channel, (EXTRACT(EPOCH FROM max(available_at)) * 1000)::bigint::text AS last FROM outbox
              WHERE guild_id = ${config.guildId} AND kind = 'message' AND payload ? 'milestone' AND available_at > now() - interval '1 hour'
              GROUP BY 1`,
        ),
      ]);
      for (const r of awards) awarded.add(`${r.user_id}:${r.milestone_id}:${r.season_id}`);
      for (const r of totals) members.get(r.user_id)?.addTotal(key(r.event_type, r.side), r.channel_id, Number(r.count), Number(r.value_sum));
      for (const r of days) members.get(r.user_id)?.addDay(r.day, key(r.event_type, r.side), r.count, Number(r.value_sum));
      for (const r of quiet) optOut.add(r.user_id);
      for (const r of throttles) lastAnnounced.set(r.channel, Number(r.last));
      // The counters hold the whole batch already: take the batch out; advance() adds it back.
      for (const e of events) contribute(members, e, config.timezone, -1);
    }
    return new BatchChecker(config, state, templates, members, awarded, optOut, lastAnnounced);
  }
}

function contribute(members: Map<string, MemberCounters>, e: LakeEvent, timeZone: string, sign: 1 | -1): void {
  const day = localDay(e.occurred_at, timeZone);
  const channel = e.channel_id ?? '0';
  const actor = members.get(e.actor_id);
  if (actor) {
    const value = counterValue(e);
    actor.addTotal(key(e.type, 'actor'), channel, sign, sign * value);
    actor.addDay(day, key(e.type, 'actor'), sign, sign * value);
  }
  if (e.target_id && e.target_id !== e.actor_id) {
    const target = members.get(e.target_id);
    if (target) {
      target.addTotal(key(e.type, 'target'), channel, sign, 0);
      target.addDay(day, key(e.type, 'target'), sign, 0);
    }
  }
}

class BatchChecker implements BatchMilestoneHook {
  #seasonDay: string | undefined;

  constructor(
    private readonly config: CompiledConfig,
    private readonly state: EngineState,
    private readonly templates: CompiledMilestone[],
    private readonly members: Map<string, MemberCounters>,
    private readonly awarded: Set<string>,
    private readonly optOut: Set<string>,
    private readonly lastAnnounced: Map<string, number>,
  ) {
    if (config.season) this.#seasonDay = localDay(config.season.startedAt, config.timezone);
  }

  advance(event: LakeEvent): void {
    if (this.templates.length === 0) return;
    for (const id of [event.actor_id, event.target_id]) if (id && !this.members.has(id)) this.members.set(id, new MemberCounters());
    contribute(this.members, event, this.config.timezone, 1);
  }

  check(userId: string, event: LakeEvent, only: string[] | undefined, apply: boolean): MilestoneAward[] {
    let counters = this.members.get(userId);
    if (!counters) this.members.set(userId, (counters = new MemberCounters()));
    const facts = this.#facts(userId, counters, localDay(event.occurred_at, this.config.timezone));
    const awards: MilestoneAward[] = [];
    for (const m of this.templates) {
      if (only && !only.includes(m.key)) continue;
      const seasonId = m.scope === 'season' ? (this.config.season?.id ?? 0) : 0;
      const awardKey = `${userId}:${m.id}:${seasonId}`;
      if (this.awarded.has(awardKey)) continue;
      const zoneChannels = (zone: string) => this.config.zones.byKey.get(zone)?.channels ?? [];
      if (!meets(m.requirement, facts, { scope: m.scope, zoneChannels })) continue;
      const outbox = this.#announcement(m, userId);
      if (apply) this.awarded.add(awardKey);
      awards.push({ id: m.id, key: m.key, name: m.name, rarity: m.rarity, seasonId, outbox: apply ? outbox : [] });
    }
    return awards;
  }

  forget(userId: string, milestoneId: number, seasonId: number): void {
    this.awarded.delete(`${userId}:${milestoneId}:${seasonId}`);
  }

  #announcement(m: CompiledMilestone, userId: string): MilestoneAward['outbox'] {
    const channel = m.announce_channel ?? this.config.settings.announce_channel_id;
    if (!m.announce || !channel || this.optOut.has(userId)) return [];
    // Per-channel throttle: announcements in one channel are spaced, never dropped.
    const interval = (this.config.settings.announce_interval_seconds ?? 5) * 1000;
    const last = this.lastAnnounced.get(channel);
    const availableAt = Math.max(Date.now(), last !== undefined ? last + interval : 0);
    this.lastAnnounced.set(channel, availableAt);
    return [
      {
        kind: 'message',
        availableAt: new Date(availableAt).toISOString(),
        payload: {
          channel_id: channel,
          milestone: m.key,
          content: `${m.icon} <@${userId}> earned **${m.name}**${m.description ? ` — ${m.description}` : ''}`,
          embed: { title: `${m.icon} ${m.name}`, description: `<@${userId}> earned a ${m.rarity} milestone.${m.description ? `\n${m.description}` : ''}`, color: RARITY_COLORS[m.rarity] },
        },
      },
    ];
  }

  #facts(userId: string, counters: MemberCounters, today: string): MemberFacts {
    const { state, config } = this;
    const seasonDay = this.#seasonDay;
    return {
      wallet: (currencyKey) => {
        const currency = config.currencies.get(currencyKey);
        return currency ? state.wallet(userId, currency) : undefined;
      },
      lifetimeTotal: (events, side, measure, channels) => {
        let total = 0;
        for (const type of events) {
          const t = counters.totals.get(key(type, side));
          if (!t) continue;
          if (!channels) total += measure === 'count' ? t.count : t.value;
          else for (const [channel, c] of t.channels) if (channels.has(channel)) total += measure === 'count' ? c.count : c.value;
        }
        return total;
      },
      seasonTotal: (events, side, measure) => {
        let total = 0;
        for (const [day, tallies] of counters.days) {
          if (seasonDay && day < seasonDay) continue;
          for (const type of events) {
            const t = tallies.get(key(type, side));
            if (t) total += measure === 'count' ? t.count : t.value;
          }
        }
        return total;
      },
      streak: (days, events) => {
        let day = today;
        for (let i = 0; i < days; i++) {
          const tallies = counters.days.get(day);
          let active = false;
          if (tallies) {
            for (const [typeSide, t] of tallies) {
              if (t.count <= 0 || !typeSide.endsWith('|actor')) continue;
              if (!events || events.includes(typeSide.slice(0, -'|actor'.length))) {
                active = true;
                break;
              }
            }
          }
          if (!active) return false;
          day = previousDay(day);
        }
        return true;
      },
    };
  }
}

export const RARITY_COLORS: Record<string, number> = {
  common: 0x95a5a6,
  uncommon: 0x2ecc71,
  rare: 0x3498db,
  epic: 0x9b59b6,
  legendary: 0xf1c40f,
};

