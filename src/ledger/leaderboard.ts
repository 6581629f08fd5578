// Leaderboards per currency: all time (balance), a season, or the last seven days, one page at a
// time with the total ranked, each entry with the member's name, avatar and level progress.
// Seasonal currencies rank a season by their season balance; others by what was earned in it
// (lifetime earnings minus the snapshot taken when the previous season closed). The week ranks
// what was earned (positive deltas) in the rolling seven days before `now` — not a calendar week,
// so it reads the same in every time zone and never drops to empty on a Monday morning.
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { currencies, seasons } from '../db/schema.ts';
import { curveTotal, levelProgress, storedCurve, type LevelProgress } from './level-progress.ts';
import { currentSeason } from './seasons.ts';

export type LeaderboardPeriod = 'all' | 'season' | 'week';

export interface LeaderboardEntry {
  rank: number;
  userId: string;
  value: number;
  /** The directory's name (nickname, else display name, else username); null when never seen. */
  displayName: string | null;
  avatarUrl: string | null;
  /** The member left the guild (their wallet stays on the board). */
  left: boolean;
  /** The member asked not to be named on the public page (the panel still shows them). */
  publicOptOut: boolean;
  /** Null when the currency has no level curve. */
  level: LevelProgress | null;
}

export interface Leaderboard {
  currency: string;
  currencyName: string;
  symbol: string;
  period: LeaderboardPeriod;
  season: { id: number; number: number; name: string; current: boolean } | null;
  /** For the week: the start of the seven days ranked. */
  since: Date | null;
  measure: 'balance' | 'season_balance' | 'season_earned' | 'week_earned';
  /** Members on the board (every page). */
  total: number;
  limit: number;
  offset: number;
  entries: LeaderboardEntry[];
}

export interface LeaderboardOptions {
  currency: string;
  /** Defaults to 'season' when `season` is given, else 'all'. */
  period?: LeaderboardPeriod;
  season?: 'current' | number;
  limit?: number;
  offset?: number;
  /** The end of the week ranked (the clock's now). */
  now?: Date;
}

export type LeaderboardResult = { ok: true; board: Leaderboard } | { ok: false; code: 'unknown_currency' | 'unknown_season'; message: string };

export const MAX_PAGE = 100;
const WEEK_MS = 7 * 24 * 3600 * 1000;

interface RankedRow {
  user_id: string;
  value: string;
  total?: string;
}

export async function leaderboard(exec: Executor, guildId: string, options: LeaderboardOptions): Promise<LeaderboardResult> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 10), 1), MAX_PAGE);
  const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
  const period: LeaderboardPeriod = options.period ?? (options.season !== undefined ? 'season' : 'all');
  // Inlined (they are whole numbers): a prepared statement's generic plan cannot see a small
  // LIMIT and would sort every wallet of the currency instead of reading the top of the index.
  const page = sql.raw(`LIMIT ${limit} OFFSET ${offset}`);
  const [currency] = await exec.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, options.currency)));
  if (!currency) return { ok: false, code: 'unknown_currency', message: `unknown currency "${options.currency}"` };
  const base = { currency: currency.key, currencyName: currency.name, symbol: currency.symbol, period, limit, offset };

  let board: RankedBoard;
  let season: Leaderboard['season'] = null;
  let since: Date | null = null;
  let measure: Leaderboard['measure'];
  if (period === 'all') {
    measure = 'balance';
    board = balanceBoard(sql`wallets WHERE currency_id = ${currency.id}`, page);
  } else if (period === 'week') {
    measure = 'week_earned';
    since = new Date((options.now ?? new Date()).getTime() - WEEK_MS);
    // The time bound lets the BRIN index on `at` skip the older blocks of the ledger.
    board = windowBoard(
      sql`SELECT user_id, sum(delta) AS value FROM transactions
          WHERE guild_id = ${guildId} AND currency_id = ${currency.id} AND at >= ${since.toISOString()}::timestamptz AND delta > 0
          GROUP BY user_id`,
      page,
    );
  } else {
    const chosen = await chosenSeason(exec, guildId, options.season ?? 'current');
    if (!chosen.ok) return chosen;
    season = chosen.info;
    if (currency.seasonal) {
      measure = 'season_balance';
      board = season.current
        ? balanceBoard(sql`wallets WHERE currency_id = ${currency.id}`, page)
        : balanceBoard(sql`season_snapshots WHERE season_id = ${season.id} AND currency_id = ${currency.id}`, page);
    } else {
      measure = 'season_earned';
      const end = season.current
        ? sql`SELECT user_id, lifetime_earned FROM wallets WHERE currency_id = ${currency.id}`
        : sql`SELECT user_id, lifetime_earned FROM season_snapshots WHERE season_id = ${season.id} AND currency_id = ${currency.id}`;
      const start =
        chosen.previousId !== null
          ? sql`SELECT user_id, lifetime_earned FROM season_snapshots WHERE season_id = ${chosen.previousId} AND currency_id = ${currency.id}`
          : sql`SELECT NULL::bigint AS user_id, 0::bigint AS lifetime_earned WHERE false`;
      board = windowBoard(
        sql`SELECT e.user_id, e.lifetime_earned - COALESCE(s.lifetime_earned, 0) AS value
            FROM (${end}) e LEFT JOIN (${start}) s ON s.user_id = e.user_id
            WHERE e.lifetime_earned - COALESCE(s.lifetime_earned, 0) > 0`,
        page,
      );
    }
  }

  // The page first, then its members' names and wallets: 50 lookups by primary key, never a join
  // over every wallet of the currency.
  const rows = await queryRows<RankedRow & DirectoryRow>(
    exec,
    sql`SELECT p.user_id::text, p.value::text, p.total::text, w.balance::text AS balance, w.lifetime_earned::text AS lifetime_earned, w.level,
               COALESCE(m.display_name, m.username) AS name, m.avatar_url, m.left_at IS NOT NULL AS left, COALESCE(m.public_opt_out, false) AS opt_out
        FROM (${board.ranked}) p
        LEFT JOIN wallets w ON w.guild_id = ${guildId} AND w.user_id = p.user_id AND w.currency_id = ${currency.id}
        LEFT JOIN members m ON m.guild_id = ${guildId} AND m.user_id = p.user_id
        ORDER BY p.value DESC, p.user_id`,
  );
  let total = rows[0]?.total !== undefined && rows[0].total !== null ? Number(rows[0].total) : null;
  if (total === null) {
    // A page past the end has no row to carry the window's count.
    const counted = board.count ?? sql`SELECT count(*)::text AS n FROM (${board.values ?? sql`SELECT 1 WHERE false`}) v`;
    total = Number((await queryRows<{ n: string }>(exec, counted))[0]?.n ?? 0);
  }
  const curve = storedCurve(currency.levelCurve);
  const entries = rows.map((r, i): LeaderboardEntry => {
    const wallet = { balance: Number(r.balance ?? 0), lifetimeEarned: Number(r.lifetime_earned ?? 0) };
    return {
      rank: offset + i + 1,
      userId: r.user_id,
      value: Number(r.value),
      displayName: r.name,
      avatarUrl: r.avatar_url,
      left: r.left ?? false,
      publicOptOut: r.opt_out ?? false,
      level: curve ? levelProgress(curve, r.level, curveTotal(curve, wallet)) : null,
    };
  });
  return { ok: true, board: { ...base, season, since, measure, total, entries } };
}

interface DirectoryRow {
  balance: string | null;
  lifetime_earned: string | null;
  level: number | null;
  name: string | null;
  avatar_url: string | null;
  left: boolean | null;
  opt_out: boolean | null;
}

async function chosenSeason(exec: Executor, guildId: string, wanted: 'current' | number) {
  const open = await currentSeason(exec, guildId);
  let season = open;
  if (wanted !== 'current' && wanted !== open.number) {
    const [past] = await exec.select().from(seasons).where(and(eq(seasons.guildId, guildId), eq(seasons.number, wanted)));
    if (!past) return { ok: false as const, code: 'unknown_season' as const, message: `season ${wanted} does not exist` };
    season = past;
  }
  const [previous] = await exec
    .select({ id: seasons.id })
    .from(seasons)
    .where(and(eq(seasons.guildId, guildId), lt(seasons.number, season.number)))
    .orderBy(desc(seasons.number))
    .limit(1);
  return { ok: true as const, info: { id: season.id, number: season.number, name: season.name, current: season.id === open.id }, previousId: previous?.id ?? null };
}

/** A page of (user_id, value[, total]) rows; `count` (or counting `values`) gives the total when the page has none. */
type RankedBoard = { ranked: SQL; count: SQL | null; values?: SQL };

/** Ranked by a stored balance: the top of a (…, balance DESC, user_id) index, counted apart. */
function balanceBoard(from: SQL, page: SQL): RankedBoard {
  return {
    // ORDER BY the table's columns (not aliases) so the leaderboard index serves it.
    ranked: sql`SELECT user_id, balance AS value, NULL::bigint AS total FROM ${from} AND balance > 0 ORDER BY balance DESC NULLS LAST, user_id ${page}`,
    count: sql`SELECT count(*)::text AS n FROM ${from} AND balance > 0`,
  };
}

/** Ranked by a computed value: every row is computed anyway, so the window counts them in the same pass. */
function windowBoard(values: SQL, page: SQL): RankedBoard {
  return { ranked: sql`SELECT user_id, value, count(*) OVER () AS total FROM (${values}) v ORDER BY value DESC, user_id ${page}`, count: null, values };
}
