// What a fault run left in the database: each sent event in the lake exactly once, nothing else in
// its place, and the ledger's invariants (the checks of `cairn doctor`).
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../../src/db/client.ts';
import { lakeEvents } from '../../../src/db/schema.ts';
import { checkLedger, type Violation } from '../../../src/ledger/doctor.ts';

export interface LakeCheck {
  sent: number;
  /** Sent events with no row in the lake. */
  lost: number;
  /** Sent events with more than one row. */
  doubled: number;
  violations: Violation[];
  /** Wallets whose balance differs from the sum of their transactions (also a doctor violation). */
  walletsOff: number;
}

/** Checks the lake for the events with these source ids (sent to one guild). */
export async function checkLake(database: Database, guildId: string, ids: string[]): Promise<LakeCheck> {
  const rows = await database.db
    .select({ sourceId: lakeEvents.sourceId, n: count() })
    .from(lakeEvents)
    .where(and(eq(lakeEvents.guildId, guildId), inArray(lakeEvents.sourceId, ids)))
    .groupBy(lakeEvents.sourceId);
  const counts = new Map(rows.map((r) => [r.sourceId, Number(r.n)]));
  const off = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int n FROM wallets w
        WHERE w.balance <> COALESCE((SELECT SUM(delta) FROM transactions t
          WHERE t.guild_id = w.guild_id AND t.user_id = w.user_id AND t.currency_id = w.currency_id), 0)`,
  );
  return {
    sent: ids.length,
    lost: ids.filter((id) => !counts.has(id)).length,
    doubled: [...counts.values()].filter((n) => n > 1).length,
    violations: await checkLedger(database.db),
    walletsOff: Number(off[0]?.n ?? 0),
  };
}
