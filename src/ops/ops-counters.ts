// Keeps, inside each batch's transaction, the counters the health page reads instead of the lake:
// lake rows per guild (the retention job takes its deletions off) and events per hour and channel
// (mapped to zones when read). It runs for paused guilds too: their events are captured.
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import type { StoredEvent } from '../events/lake-writer.ts';
import type { EventProcessor, LateWrites } from '../pipeline/ingest.ts';

export class OpsCounters implements EventProcessor {
  async process(tx: Tx, events: StoredEvent[], late?: LateWrites): Promise<void> {
    const rows = new Map<string, number>();
    const hourly = new Map<string, number>();
    for (const { event } of events) {
      rows.set(event.guild_id, (rows.get(event.guild_id) ?? 0) + 1);
      const hour = new Date(Math.floor(Date.parse(event.occurred_at) / 3_600_000) * 3_600_000).toISOString();
      const key = `${event.guild_id}|${hour}|${event.channel_id ?? '0'}`;
      hourly.set(key, (hourly.get(key) ?? 0) + 1);
    }
    // Keys sorted: concurrent batches lock counter rows in the same order.
    const r = [...rows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([g, n]) => ({ g, n }));
    const h = [...hourly].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => {
      const [g, t, c] = k.split('|');
      return { g, t, c, n };
    });
    const write = queryRows(tx, sql`
      WITH lr AS (
        INSERT INTO lake_guild_stats AS s (guild_id, rows) SELECT g, n FROM json_to_recordset(${JSON.stringify(r)}::json) AS v(g bigint, n bigint)
        ON CONFLICT (guild_id) DO UPDATE SET rows = s.rows + excluded.rows
        RETURNING 1
      ), hc AS (
        INSERT INTO activity_hourly_channel AS a (guild_id, hour, channel_id, count)
        SELECT g, t, c, n FROM json_to_recordset(${JSON.stringify(h)}::json) AS v(g bigint, t timestamptz, c bigint, n int)
        ON CONFLICT (guild_id, hour, channel_id) DO UPDATE SET count = a.count + excluded.count
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM lr) + (SELECT count(*) FROM hc) AS n`);
    if (late) late.add(write);
    else await write;
  }
}

/** Takes the retention job's deletions off the row counts. */
export async function lakeRowsDeleted(exec: Tx | { execute: Tx['execute'] }, deleted: { guildId: string; deleted: number }[]): Promise<void> {
  const rows = deleted.filter((d) => d.deleted > 0).map((d) => ({ g: d.guildId, n: d.deleted }));
  if (rows.length === 0) return;
  await exec.execute(sql`UPDATE lake_guild_stats s SET rows = GREATEST(0, s.rows - v.n) FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, n bigint) WHERE s.guild_id = v.g`);
}
