// Leaderboards per currency: all time (balance), the current season, or a past season.
// Seasonal currencies rank by their season balance; others by what was earned in the season
// (lifetime earnings minus the snapshot taken when the previous season closed).
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { currencies, seasons } from '../db/schema.ts';
import { currentSeason } from './seasons.ts';

export interface LeaderboardEntry {
  rank: number;
  userId: string;
  value: number;
}

export interface Leaderboard {
  currency: string;
  period: 'all' | 'season';
  season: { id: number; number: number; name: string; current: boolean } | null;
  measure: 'balance' | 'season_balance' | 'season_earned';
  entries: LeaderboardEntry[];
}

export type LeaderboardResult = { ok: true; board: Leaderboard } | { ok: false; code: 'unknown_currency' | 'unknown_season'; message: string };

export async function leaderboard(
  exec: Executor,
  guildId: string,
  options: { currency: string; season?: 'current' | number; limit?: number; offset?: number },
): Promise<LeaderboardResult> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 10), 1), 100);
  const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
  // Inlined (they are whole numbers): a prepared statement's generic plan cannot see a small
  // LIMIT and would sort every wallet of the currency instead of reading the top of the index.
  const page = sql.raw(`LIMIT ${limit} OFFSET ${offset}`);
  const [currency] = await exec.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, options.currency)));
  if (!currency) return { ok: false, code: 'unknown_currency', message: `unknown currency "${options.currency}"` };
  const rank = (rows: { user_id: string; value: string }[]) => rows.map((r, i) => ({ rank: offset + i + 1, userId: r.user_id, value: Number(r.value) }));

  if (options.season === undefined) {
    const rows = await queryRows<{ user_id: string; value: string }>(
      exec,
      // ORDER BY the table's columns (not the text aliases) so the (currency, balance) index serves it.
      sql`SELECT w.user_id::text, w.balance::text AS value FROM wallets w
          WHERE w.currency_id = ${currency.id} AND w.balance > 0
          ORDER BY w.balance DESC NULLS LAST, w.user_id ${page}`,
    );
    return { ok: true, board: { currency: currency.key, period: 'all', season: null, measure: 'balance', entries: rank(rows) } };
  }

  const open = await currentSeason(exec, guildId);
  let season = open;
  if (options.season !== 'current' && options.season !== open.number) {
    const [past] = await exec.select().from(seasons).where(and(eq(seasons.guildId, guildId), eq(seasons.number, options.season)));
    if (!past) return { ok: false, code: 'unknown_season', message: `season ${options.season} does not exist` };
    season = past;
  }
  const isCurrent = season.id === open.id;
  const [previous] = await exec
    .select({ id: seasons.id })
    .from(seasons)
    .where(and(eq(seasons.guildId, guildId), lt(seasons.number, season.number)))
    .orderBy(desc(seasons.number))
    .limit(1);
  const info = { id: season.id, number: season.number, name: season.name, current: isCurrent };
  let rows: { user_id: string; value: string }[];
  let measure: Leaderboard['measure'];
  if (currency.seasonal) {
    measure = 'season_balance';
    rows = isCurrent
      ? await queryRows(exec, sql`SELECT w.user_id::text, w.balance::text AS value FROM wallets w WHERE w.currency_id = ${currency.id} AND w.balance > 0
                                   ORDER BY w.balance DESC NULLS LAST, w.user_id ${page}`)
      : await queryRows(exec, sql`SELECT s.user_id::text, s.balance::text AS value FROM season_snapshots s WHERE s.season_id = ${season.id} AND s.currency_id = ${currency.id} AND s.balance > 0
                                   ORDER BY s.balance DESC NULLS LAST, s.user_id ${page}`);
  } else {
    measure = 'season_earned';
    const end = isCurrent
      ? sql`SELECT user_id, lifetime_earned FROM wallets WHERE currency_id = ${currency.id}`
      : sql`SELECT user_id, lifetime_earned FROM season_snapshots WHERE season_id = ${season.id} AND currency_id = ${currency.id}`;
    const start = previous
      ? sql`SELECT user_id, lifetime_earned FROM season_snapshots WHERE season_id = ${previous.id} AND currency_id = ${currency.id}`
      : sql`SELECT NULL::bigint AS user_id, 0::bigint AS lifetime_earned WHERE false`;
    rows = await queryRows(
      exec,
      sql`SELECT e.user_id::text, (e.lifetime_earned - COALESCE(s.lifetime_earned, 0))::text AS value
          FROM (${end}) e LEFT JOIN (${start}) s ON s.user_id = e.user_id
          WHERE e.lifetime_earned - COALESCE(s.lifetime_earned, 0) > 0
          ORDER BY e.lifetime_earned - COALESCE(s.lifetime_earned, 0) DESC, e.user_id ${page}`,
    );
  }
  return { ok: true, board: { currency: currency.key, period: 'season', season: info, measure, entries: rank(rows) } };
}
