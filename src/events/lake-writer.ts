// Writes validated LakeEvents into the lake, idempotently on (guild, source id) through
// lake_event_keys, and keeps the per-member counters in the same statement: only rows actually
// inserted are counted, so a duplicate stops here and changes nothing.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import type { LakeEvent } from './lake-event.ts';

export type EventOrigin = 'gateway' | 'api' | 'cli' | 'backfill' | 'simulator' | 'onboarding';

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
  /**
   * Batch positions older than what the guild's lake was pruned of (guilds.lake_pruned_before):
   * such an event may have been received and deleted, so it is not written (absent when none).
   */
  expired?: number[];
}

/**
 * What a counter sums besides counting, per event type: voice seconds outside AFK, minutes present
 * at a scheduled event, seconds in a presence status, characters of a message; 0 otherwise. Counted for the actor only.
 * COUNTER_VALUE below is the same function in SQL (a test keeps them in step).
 */
export function counterValue(event: Pick<LakeEvent, 'type' | 'data'>): number {
  const d = event.data;
  switch (event.type) {
    case 'voice_session_end':
      return d.is_afk ? 0 : Math.trunc(Number(d.duration_seconds) || 0);
    case 'scheduled_event_attend':
      return Math.trunc(Number(d.minutes_present) || 0);
    case 'presence_session_end':
      return Math.trunc(Number(d.duration_seconds) || 0);
    case 'message_create':
      return Math.trunc(Number(d.length) || 0);
    default:
      return 0;
  }
}

const COUNTER_VALUE = sql.raw(`CASE i.type
    WHEN 'voice_session_end' THEN CASE WHEN (i.data->>'is_afk')::boolean THEN 0 ELSE trunc((i.data->>'duration_seconds')::numeric)::bigint END
    WHEN 'scheduled_event_attend' THEN trunc((i.data->>'minutes_present')::numeric)::bigint
    WHEN 'presence_session_end' THEN trunc((i.data->>'duration_seconds')::numeric)::bigint
    WHEN 'message_create' THEN trunc((i.data->>'length')::numeric)::bigint
    ELSE 0 END`);

export async function writeLakeEvents(tx: Executor, events: LakeEvent[], origin: EventOrigin): Promise<LakeWriteResult> {
  const duplicates: number[] = [];
  const firstIndex = new Map<string, number>();
  events.forEach((e, i) => {
    const key = `${e.guild_id}\u0000${e.source_id}`;
    if (firstIndex.has(key)) duplicates.push(i);
    else firstIndex.set(key, i);
  });
  if (firstIndex.size === 0) return { inserted: [], duplicates };
  const unique = [...firstIndex.values()].map((i) => events[i]!);
  // One statement: insert (in key order, so concurrent batches lock unique-index entries in the
  // same order), then add what was inserted to the daily and lifetime counters (also in key order).
  const rows = await queryRows<{ id: string | number | null; g: string; s: string }>(
    tx,
    sql`WITH v AS (
          SELECT * FROM json_to_recordset(${JSON.stringify(
            unique.map((e) => ({ g: e.guild_id, s: e.source_id, t: e.type, a: e.actor_id, tg: e.target_id, c: e.channel_id, o: e.occurred_at, d: e.data })),
          )}::json) AS v(g bigint, s text, t text, a bigint, tg bigint, c bigint, o timestamptz, d jsonb)
        ), old AS (
          -- Exactly once must not rest on the raw event still being in the lake: nothing from
          -- before what the guild's lake was pruned of is written.
          SELECT v.g, v.s FROM v JOIN guilds gl ON gl.id = v.g WHERE v.o < gl.lake_pruned_before
        ), keys AS (
          -- Exactly once across the lake's monthly partitions: the key table is the unique index
          -- (src/db/schema/lake.ts); the lake row takes the id the key was given.
          INSERT INTO lake_event_keys (guild_id, source_id, occurred_at, event_id)
          SELECT g, s, o, nextval('lake_events_id_seq') FROM v WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.g = v.g AND old.s = v.s) ORDER BY g, s
          ON CONFLICT (guild_id, source_id) DO NOTHING
          RETURNING guild_id, source_id, event_id
        ), ins AS (
          INSERT INTO lake_events (id, guild_id, source_id, type, actor_id, target_id, channel_id, occurred_at, data, origin)
          SELECT k.event_id, g, s, t, a, tg, c, o, d, ${origin} FROM keys k JOIN v ON v.g = k.guild_id AND v.s = k.source_id
          RETURNING id, guild_id, source_id, type, actor_id, target_id, channel_id, occurred_at, data
        ), sides AS (
          -- Days are the guild's calendar days (its time zone), for streaks and daily charts.
          SELECT i.guild_id AS g, i.actor_id AS u, i.type AS t, 'actor' AS side, i.channel_id AS c,
                 (i.occurred_at AT TIME ZONE COALESCE(gl.timezone, 'UTC'))::date AS day, ${COUNTER_VALUE} AS val
          FROM ins i LEFT JOIN guilds gl ON gl.id = i.guild_id
          UNION ALL
          SELECT i.guild_id, i.target_id, i.type, 'target', i.channel_id, (i.occurred_at AT TIME ZONE COALESCE(gl.timezone, 'UTC'))::date, 0
          FROM ins i LEFT JOIN guilds gl ON gl.id = i.guild_id
          WHERE i.target_id IS NOT NULL AND i.target_id <> i.actor_id
        ), daily AS (
          INSERT INTO event_counters_daily AS d (guild_id, user_id, event_type, side, day, count, value_sum)
          SELECT g, u, t, side, day, count(*), sum(val) FROM sides
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (guild_id, user_id, event_type, side, day)
          DO UPDATE SET count = d.count + excluded.count, value_sum = d.value_sum + excluded.value_sum
          RETURNING 1
        ), total AS (
          INSERT INTO event_counters_total AS d (guild_id, user_id, event_type, side, channel_id, count, value_sum)
          SELECT g, u, t, side, COALESCE(c, 0), count(*), sum(val) FROM sides
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (guild_id, user_id, event_type, side, channel_id)
          DO UPDATE SET count = d.count + excluded.count, value_sum = d.value_sum + excluded.value_sum
          RETURNING 1
        )
        SELECT id, guild_id::text AS g, source_id AS s FROM ins
        UNION ALL SELECT NULL, g::text, s FROM old`,
  );
  const idByKey = new Map(rows.map((r) => [`${r.g}\u0000${r.s}`, r.id === null ? null : Number(r.id)]));
  const inserted: StoredEvent[] = [];
  const expired: number[] = [];
  for (const [key, index] of firstIndex) {
    const id = idByKey.get(key);
    if (id === undefined) duplicates.push(index);
    else if (id === null) expired.push(index);
    else inserted.push({ id, index, event: events[index]! });
  }
  inserted.sort((a, b) => a.index - b.index);
  duplicates.sort((a, b) => a - b);
  return expired.length > 0 ? { inserted, duplicates, expired: expired.sort((a, b) => a - b) } : { inserted, duplicates };
}

