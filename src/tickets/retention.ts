// Transcript retention: a daily job deletes kept ticket messages older than each guild's
// settings.tickets.transcripts.retention_days (the tickets and their timelines stay).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { ticketSettings } from './settings.ts';

const DAY_MS = 86_400_000;

export interface TranscriptRetentionResult {
  guilds: { guildId: string; retentionDays: number; deleted: number }[];
}

export async function deleteExpiredTranscripts(db: Db, now: Date, options: { batch?: number } = {}): Promise<TranscriptRetentionResult> {
  const batch = options.batch ?? 5_000;
  const guilds = await queryRows<{ id: string; settings: Record<string, unknown> }>(
    db,
    sql`SELECT id::text, settings FROM guilds WHERE id IN (SELECT DISTINCT guild_id FROM ticket_messages) ORDER BY id`,
  );
  const result: TranscriptRetentionResult = { guilds: [] };
  for (const g of guilds) {
    const retentionDays = ticketSettings(g.settings ?? {}).transcripts.retention_days;
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
    let deleted = 0;
    for (;;) {
      const rows = await queryRows<{ n: number }>(
        db,
        sql`WITH gone AS (
              DELETE FROM ticket_messages WHERE (guild_id, message_id) IN (
                SELECT guild_id, message_id FROM ticket_messages WHERE guild_id = ${g.id} AND sent_at < ${cutoff}::timestamptz LIMIT ${batch})
              RETURNING 1)
            SELECT count(*)::int AS n FROM gone`,
      );
      const n = rows[0]?.n ?? 0;
      deleted += n;
      if (n < batch) break;
    }
    result.guilds.push({ guildId: g.id, retentionDays, deleted });
  }
  return result;
}
