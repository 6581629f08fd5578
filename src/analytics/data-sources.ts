// The Data sources page's question: for each event type, is it captured (settings.capture), how
// many arrived since a day, and on which day the last one did (from the daily counters).
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../events/lake-event.ts';

export interface DataSource {
  type: string;
  captured: boolean;
  internal: boolean;
  events: number;
  lastSeenDay: string | null;
}

export async function dataSources(exec: Executor, guildId: string, settings: Record<string, unknown>, sinceDay: string): Promise<DataSource[]> {
  const counts = await queryRows<{ type: string; n: string; last: string }>(
    exec,
    sql`SELECT event_type AS type, sum(count)::text AS n, max(day)::text AS last FROM event_counters_daily
        WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${sinceDay}::date GROUP BY 1`,
  );
  const byType = new Map(counts.map((r) => [r.type, r]));
  const capture = (settings.capture ?? {}) as Record<string, boolean>;
  return EVENT_TYPES.map((type) => ({
    type,
    captured: capture[type] !== false,
    internal: (INTERNAL_EVENT_TYPES as readonly string[]).includes(type),
    events: Number(byType.get(type)?.n ?? 0),
    lastSeenDay: byType.get(type)?.last ?? null,
  }));
}
