// Seasons: rolling one snapshots every seasonal wallet, resets it with a season_roll transaction
// and opens the next season — atomically, and only once per boundary.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { seasons } from '../db/schema.ts';
import type { Posting } from './posting.ts';
import { postEntries } from './postings.ts';

export interface Season {
  id: number;
  number: number;
  name: string;
  startedAt: Date;
  endedAt: Date | null;
}

/** Season 1 starts at the beginning of time, so history imported or replayed later belongs to it. */
export const FIRST_SEASON_START = new Date('1970-01-01T00:00:00.000Z');

/** The guild's open season, created as season 1 if it has none. */
export async function currentSeason(exec: Executor, guildId: string): Promise<Season> {
  const [open] = await exec
    .select()
    .from(seasons)
    .where(and(eq(seasons.guildId, guildId), isNull(seasons.endedAt)))
    .orderBy(desc(seasons.number))
    .limit(1);
  if (open) return open;
  await exec.insert(seasons).values({ guildId, number: 1, name: 'Season 1', startedAt: FIRST_SEASON_START }).onConflictDoNothing();
  const [created] = await exec
    .select()
    .from(seasons)
    .where(and(eq(seasons.guildId, guildId), isNull(seasons.endedAt)))
    .orderBy(desc(seasons.number))
    .limit(1);
  return created!;
}

export type RollOutcome =
  | { status: 'rolled'; closed: Season; opened: Season; walletsReset: number }
  | { status: 'already_rolled'; current: Season };

/**
 * Ends the current season at `boundary` and opens the next. Idempotent: if the current season
 * already starts at or after `boundary`, nothing changes.
 */
export async function rollSeason(
  db: Db,
  guildId: string,
  options: { boundary: Date; name?: string },
): Promise<RollOutcome> {
  return db.transaction(async (tx) => {
    // Serialise rolls of one guild on its row.
    await tx.execute(sql`SELECT 1 FROM guilds WHERE id = ${guildId} FOR UPDATE`);
    const current = await currentSeason(tx, guildId);
    if (current.startedAt.getTime() >= options.boundary.getTime()) {
      return { status: 'already_rolled', current } as const;
    }
    // Every wallet's balance and lifetime total at the boundary: seasonal currencies' season
    // results, and the baseline from which other currencies' next-season earnings are measured.
    await tx.execute(sql`
      INSERT INTO season_snapshots (season_id, guild_id, user_id, currency_id, balance, lifetime_earned)
      SELECT ${current.id}, w.guild_id, w.user_id, w.currency_id, w.balance, w.lifetime_earned
      FROM wallets w
      WHERE w.guild_id = ${guildId} AND (w.balance <> 0 OR w.lifetime_earned <> 0)
      ON CONFLICT DO NOTHING`);
    const resets = await queryRows<{ user_id: string; currency_id: number; balance: string }>(
      tx,
      sql`SELECT w.user_id::text, w.currency_id, w.balance::text FROM wallets w
          JOIN currencies c ON c.id = w.currency_id
          WHERE w.guild_id = ${guildId} AND c.seasonal AND w.balance <> 0
          ORDER BY w.user_id, w.currency_id`,
    );
    const postings: Posting[] = resets.map((r) => ({
      guildId,
      userId: r.user_id,
      currencyId: r.currency_id,
      delta: -Number(r.balance),
      source: 'season_roll',
      at: options.boundary,
      seasonId: current.id,
      reason: `end of ${current.name}`,
      idemKey: `season_roll:${current.id}:${r.user_id}:${r.currency_id}`,
      allowOverdraft: true,
    }));
    // A wallet the ledger cannot change exactly (see cairn doctor) keeps its balance; it is not counted.
    const reset = (await postEntries(tx, postings)).filter((r) => r.status === 'applied').length;
    const [closed] = await tx
      .update(seasons)
      .set({ endedAt: options.boundary })
      .where(eq(seasons.id, current.id))
      .returning();
    const [opened] = await tx
      .insert(seasons)
      .values({
        guildId,
        number: current.number + 1,
        name: options.name ?? `Season ${current.number + 1}`,
        startedAt: options.boundary,
      })
      .returning();
    return { status: 'rolled', closed: closed!, opened: opened!, walletsReset: reset } as const;
  });
}
