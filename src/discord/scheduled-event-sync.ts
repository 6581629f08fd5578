// Keeps scheduled_events in step with the gateway. Scheduled events are few and change rarely, so
// each change is written at once (no batching). A deleted event keeps its row and name; a
// GUILD_CREATE's list replaces what was stored, ending the events Discord no longer lists.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import { GuildTurns } from './guild-turns.ts';
import type { ScheduledEventInterest, ScheduledEventRecord } from './normalize/guild-scheduled-event.ts';

const CHUNK = 500;

/** What a deleted event became: one never started was canceled, one running has ended. */
const DELETED_STATUS = sql.raw(`CASE v.s WHEN 'scheduled' THEN 'canceled' WHEN 'active' THEN 'completed' ELSE v.s END`);

const row = (r: ScheduledEventRecord) => ({
  g: r.guildId, i: r.scheduledEventId, n: r.name, d: r.description, t: r.entityType, c: r.channelId, l: r.location,
  h: r.creatorId, s0: r.scheduledStart, s1: r.scheduledEnd, s: r.status, u: r.userCount,
});

export class ScheduledEventSync {
  /**
   * A guild's writes in arrival order: a GUILD_CREATE's list applied after an event created just
   * after it would end that event as "no longer listed".
   */
  readonly #turns = new GuildTurns();

  constructor(private readonly db: Db) {}

  /** GUILD_SCHEDULED_EVENT_CREATE / UPDATE. */
  upsert(record: ScheduledEventRecord): Promise<void> {
    return this.#turns.run(record.guildId, () => this.#write([record], null));
  }

  /** GUILD_SCHEDULED_EVENT_DELETE: the row stays, marked deleted, with the status it ends in. */
  delete(record: ScheduledEventRecord, at: Date): Promise<void> {
    return this.#turns.run(record.guildId, () => this.#write([record], at));
  }

  /**
   * GUILD_CREATE: every event the guild lists now. Events stored as scheduled or active that are no
   * longer listed ended while the bot was away: completed when anyone attended, else canceled.
   */
  replace(guildId: string, records: ScheduledEventRecord[], presentIds: string[], at: Date): Promise<void> {
    return this.#turns.run(guildId, () => this.#replace(guildId, records, presentIds, at));
  }

  async #replace(guildId: string, records: ScheduledEventRecord[], presentIds: string[], at: Date): Promise<void> {
    for (let i = 0; i < records.length; i += CHUNK) await this.#write(records.slice(i, i + CHUNK), null);
    await this.db.execute(sql`
      UPDATE scheduled_events e SET deleted_at = ${at.toISOString()}::timestamptz, updated_at = now(),
        status = CASE WHEN e.status NOT IN ('scheduled', 'active') THEN e.status
                      WHEN EXISTS (SELECT 1 FROM scheduled_event_attendance a WHERE a.guild_id = e.guild_id AND a.scheduled_event_id = e.scheduled_event_id) THEN 'completed'
                      ELSE 'canceled' END
      WHERE e.guild_id = ${guildId} AND e.deleted_at IS NULL
        AND e.scheduled_event_id NOT IN (SELECT value::bigint FROM json_array_elements_text(${JSON.stringify(presentIds)}::json))`);
  }

  /** USER_ADD / USER_REMOVE: the interested count moves only when the member's interest changed (a replay is a no-op). */
  interest(change: ScheduledEventInterest, interested: boolean): Promise<void> {
    return this.#turns.run(change.guildId, () => this.#interest(change, interested));
  }

  async #interest(change: ScheduledEventInterest, interested: boolean): Promise<void> {
    const { guildId, scheduledEventId, userId } = change;
    const changed = interested
      ? await queryRows(this.db, sql`INSERT INTO scheduled_event_interest (guild_id, scheduled_event_id, user_id) VALUES (${guildId}, ${scheduledEventId}, ${userId}) ON CONFLICT DO NOTHING RETURNING 1`)
      : await queryRows(this.db, sql`DELETE FROM scheduled_event_interest WHERE guild_id = ${guildId} AND scheduled_event_id = ${scheduledEventId} AND user_id = ${userId} RETURNING 1`);
    if (changed.length === 0) return;
    await this.db.execute(sql`
      UPDATE scheduled_events SET user_count = greatest(0, least(2147483647, user_count + ${interested ? 1 : -1})), updated_at = now()
      WHERE guild_id = ${guildId} AND scheduled_event_id = ${scheduledEventId}`);
  }

  async #write(records: ScheduledEventRecord[], deletedAt: Date | null): Promise<void> {
    if (records.length === 0) return;
    const status = deletedAt ? DELETED_STATUS : sql.raw('v.s');
    await this.db.execute(sql`
      INSERT INTO scheduled_events AS e (guild_id, scheduled_event_id, name, description, entity_type, channel_id, location, creator_id,
                                         scheduled_start, scheduled_end, status, user_count, deleted_at, updated_at)
      SELECT v.g, v.i, v.n, v.d, v.t, v.c, v.l, v.h, v.s0, v.s1, ${status}, COALESCE(v.u, 0), ${deletedAt?.toISOString() ?? null}::timestamptz, now()
      FROM json_to_recordset(${JSON.stringify(records.map(row))}::json)
        AS v(g bigint, i bigint, n text, d text, t text, c bigint, l text, h bigint, s0 timestamptz, s1 timestamptz, s text, u int)
      ORDER BY v.g, v.i
      ON CONFLICT (guild_id, scheduled_event_id) DO UPDATE SET
        name = excluded.name, description = excluded.description, entity_type = excluded.entity_type, channel_id = excluded.channel_id,
        location = excluded.location, creator_id = COALESCE(excluded.creator_id, e.creator_id), scheduled_start = excluded.scheduled_start,
        scheduled_end = excluded.scheduled_end, status = excluded.status, deleted_at = excluded.deleted_at, updated_at = now(),
        user_count = CASE WHEN excluded.user_count > 0 OR e.user_count = 0 THEN excluded.user_count ELSE e.user_count END`);
  }
}
