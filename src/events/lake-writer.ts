// Writes validated LakeEvents into the lake, idempotently on (guild, source id), and keeps the
// per-member counters in the same transaction. A duplicate stops here: it changes nothing.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { compareIds } from '../ledger/postings.ts';
import type { LakeEvent } from './lake-event.ts';

export type EventOrigin = 'gateway' | 'api' | 'cli' | 'backfill' | 'simulator';

export interface StoredEvent {
  /** The lake row id. */
  id: number;
  /** Position of the event in the batch given to writeLakeEvents. */
  index: number;
  event: LakeEvent;
}

export interface LakeWriteResult {
  inserted: StoredEvent[];
  /** Batch positions that were already in the lake (or repeated earlier in the batch). */
  duplicates: number[];
}

/**
 * The value a counter sums for an event besides counting it: voice seconds outside AFK, minutes
 * present at a scheduled event, characters of a message.
 */
export function counterValue(event: LakeEvent): number {
  const d = event.data;
  switch (event.type) {
    case 'voice_session_end':
      return d.is_afk ? 0 : Math.trunc(Number(d.duration_seconds) || 0);
    case 'scheduled_event_attend':
      return Math.trunc(Number(d.minutes_present) || 0);
    case 'message_create':
      return Math.trunc(Number(d.length) || 0);
    default:
      return 0;
  }
}

export const utcDay = (iso: string) => iso.slice(0, 10);

export async function writeLakeEvents(
  tx: Executor,
  events: LakeEvent[],
  origin: EventOrigin,
): Promise<LakeWriteResult> {
  const duplicates: number[] = [];
  const firstIndex = new Map<string, number>();
  events.forEach((e, i) => {
    const key = `${e.guild_id}\u0000${e.source_id}`;
    if (firstIndex.has(key)) duplicates.push(i);
    else firstIndex.set(key, i);
  });
  if (firstIndex.size === 0) return { inserted: [], duplicates };
  const unique = [...firstIndex.values()].map((i) => events[i]!);
  const rows = await queryRows<{ id: string | number; g: string; s: string }>(
    tx,
    sql`INSERT INTO lake_events (guild_id, source_id, type, actor_id, target_id, channel_id, occurred_at, data, origin)
        SELECT g, s, t, a, tg, c, o, d, ${origin}
        FROM jsonb_to_recordset(${JSON.stringify(
          unique.map((e) => ({
            g: e.guild_id, s: e.source_id, t: e.type, a: e.actor_id, tg: e.target_id,
            c: e.channel_id, o: e.occurred_at, d: e.data,
          })),
        )}::jsonb) AS v(g bigint, s text, t text, a bigint, tg bigint, c bigint, o timestamptz, d jsonb)
        ON CONFLICT (guild_id, source_id) DO NOTHING
        RETURNING id, guild_id::text AS g, source_id AS s`,
  );
  const idByKey = new Map(rows.map((r) => [`${r.g}\u0000${r.s}`, Number(r.id)]));
  const inserted: StoredEvent[] = [];
  for (const [key, index] of firstIndex) {
    const id = idByKey.get(key);
    if (id === undefined) duplicates.push(index);
    else inserted.push({ id, index, event: events[index]! });
  }
  inserted.sort((a, b) => a.index - b.index);
  duplicates.sort((a, b) => a - b);
  await bumpCounters(tx, inserted.map((s) => s.event));
  return { inserted, duplicates };
}

interface CounterDelta {
  g: string;
  u: string;
  t: string;
  side: 'actor' | 'target';
  n: number;
  v: number;
}

/** Adds the events to the daily and lifetime counters, in two statements, in stable key order. */
async function bumpCounters(tx: Executor, events: LakeEvent[]): Promise<void> {
  if (events.length === 0) return;
  const daily = new Map<string, CounterDelta & { day: string }>();
  const total = new Map<string, CounterDelta & { c: string }>();
  const add = (e: LakeEvent, userId: string, side: 'actor' | 'target') => {
    const value = side === 'actor' ? counterValue(e) : 0;
    const day = utcDay(e.occurred_at);
    const channel = e.channel_id ?? '0';
    const dk = `${e.guild_id}|${userId}|${e.type}|${side}|${day}`;
    const tk = `${e.guild_id}|${userId}|${e.type}|${side}|${channel}`;
    const d = daily.get(dk) ?? { g: e.guild_id, u: userId, t: e.type, side, day, n: 0, v: 0 };
    d.n += 1;
    d.v += value;
    daily.set(dk, d);
    const t = total.get(tk) ?? { g: e.guild_id, u: userId, t: e.type, side, c: channel, n: 0, v: 0 };
    t.n += 1;
    t.v += value;
    total.set(tk, t);
  };
  for (const e of events) {
    add(e, e.actor_id, 'actor');
    if (e.target_id && e.target_id !== e.actor_id) add(e, e.target_id, 'target');
  }
  const byKey = <T extends CounterDelta>(a: T, b: T, extra: (x: T) => string) =>
    compareIds(a.g, b.g) || compareIds(a.u, b.u) || cmp(a.t, b.t) || cmp(a.side, b.side) || cmp(extra(a), extra(b));
  const dailyRows = [...daily.values()].sort((a, b) => byKey(a, b, (x) => x.day));
  const totalRows = [...total.values()].sort((a, b) => compareIds(a.g, b.g) || compareIds(a.u, b.u) || cmp(a.t, b.t) || cmp(a.side, b.side) || compareIds(a.c, b.c));
  await tx.execute(sql`
    INSERT INTO event_counters_daily AS d (guild_id, user_id, event_type, side, day, count, value_sum)
    SELECT g, u, t, side, day, n, v
    FROM jsonb_to_recordset(${JSON.stringify(dailyRows)}::jsonb) AS v(g bigint, u bigint, t text, side text, day date, n int, v bigint)
    ON CONFLICT (guild_id, user_id, event_type, side, day)
    DO UPDATE SET count = d.count + excluded.count, value_sum = d.value_sum + excluded.value_sum`);
  await tx.execute(sql`
    INSERT INTO event_counters_total AS d (guild_id, user_id, event_type, side, channel_id, count, value_sum)
    SELECT g, u, t, side, c, n, v
    FROM jsonb_to_recordset(${JSON.stringify(totalRows)}::jsonb) AS v(g bigint, u bigint, t text, side text, c bigint, n bigint, v bigint)
    ON CONFLICT (guild_id, user_id, event_type, side, channel_id)
    DO UPDATE SET count = d.count + excluded.count, value_sum = d.value_sum + excluded.value_sum`);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
