// The members list: everyone the guild's directory or ledger knows, searched by name or id prefix,
// filtered by presence and join date, sorted by name, join date or any currency's balance, one page
// at a time with the total. Roles come with their names and colours, leveled currencies with levels.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { likeEscape } from '../db/sql.ts';
import { LevelCurveSchema } from '../ledger/currency.ts';
import { namedRoles, type NamedRole } from './roles.ts';

export interface MemberListOptions {
  search?: string | undefined;
  sort: 'name' | 'joined' | 'balance';
  /** The currency `sort: 'balance'` orders by. */
  currency?: string | undefined;
  order?: 'asc' | 'desc' | undefined;
  status: 'present' | 'left' | 'all';
  joinedWithinDays?: number | undefined;
  limit: number;
  offset: number;
}

export interface MemberListRow {
  userId: string;
  displayName: string | null;
  username: string | null;
  avatarUrl: string | null;
  isBot: boolean;
  joinedAt: string | null;
  leftAt: string | null;
  roles: NamedRole[];
  balances: Record<string, number>;
  /** Levels of the currencies that have a level curve. */
  levels: Record<string, number>;
}

export type MemberListResult = { ok: true; total: number; members: MemberListRow[] } | { ok: false; path: string; message: string };

export async function listMembers(exec: Executor, guildId: string, options: MemberListOptions, now: Date): Promise<MemberListResult> {
  const currencies = await queryRows<{ id: number; key: string; level_curve: unknown }>(
    exec,
    sql`SELECT id, key, level_curve FROM currencies WHERE guild_id = ${guildId} ORDER BY display_order, key`,
  );
  let sortCurrency: number | undefined;
  if (options.sort === 'balance') {
    if (!options.currency) return { ok: false, path: 'currency', message: 'is required to sort by balance' };
    sortCurrency = currencies.find((c) => c.key === options.currency)?.id;
    if (sortCurrency === undefined) return { ok: false, path: 'currency', message: `unknown currency "${options.currency}"` };
  }

  const where: SQL[] = [];
  const search = options.search?.trim().toLowerCase();
  let rank = sql`0`;
  if (search) {
    const pattern = `%${likeEscape(search)}%`;
    const prefix = `${likeEscape(search)}%`;
    const byName = sql`(lower(m.display_name) LIKE ${pattern} OR lower(m.username) LIKE ${pattern})`;
    where.push(/^[0-9]+$/.test(search) ? sql`(u.user_id::text LIKE ${prefix} OR ${byName})` : byName);
    // Names that start with the search come first, then names that contain it.
    rank = sql`CASE WHEN lower(m.display_name) LIKE ${prefix} OR lower(m.username) LIKE ${prefix} OR u.user_id::text LIKE ${prefix} THEN 0 ELSE 1 END`;
  }
  if (options.status === 'present') where.push(sql`m.left_at IS NULL`);
  if (options.status === 'left') where.push(sql`m.left_at IS NOT NULL`);
  if (options.joinedWithinDays !== undefined) where.push(sql`m.joined_at >= ${new Date(now.getTime() - options.joinedWithinDays * 86_400_000).toISOString()}::timestamptz`);
  const filter = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;

  const desc = (options.order ?? (options.sort === 'name' ? 'asc' : 'desc')) === 'desc';
  const dir = sql.raw(desc ? 'DESC' : 'ASC');
  const byName = sql`lower(COALESCE(m.display_name, m.username))`;
  // Ties (equal balances, same day) read in name order, then id order, whichever way the sort goes.
  const orderBy =
    options.sort === 'balance' ? sql`COALESCE(s.balance, 0) ${dir}, ${byName} NULLS LAST, u.user_id`
    : options.sort === 'joined' ? sql`m.joined_at ${dir} NULLS LAST, ${byName} NULLS LAST, u.user_id`
    : sql`${byName} ${dir} NULLS LAST, u.user_id ${dir}`;
  const sortJoin = sortCurrency === undefined ? sql`` : sql`LEFT JOIN wallets s ON s.guild_id = ${guildId} AND s.currency_id = ${sortCurrency} AND s.user_id = u.user_id`;
  const everyone = sql`(SELECT user_id FROM wallets WHERE guild_id = ${guildId} UNION SELECT user_id FROM members WHERE guild_id = ${guildId})`;

  const [count] = await queryRows<{ n: number }>(
    exec,
    sql`SELECT count(*)::int n FROM ${everyone} u LEFT JOIN members m ON m.guild_id = ${guildId} AND m.user_id = u.user_id ${filter}`,
  );
  const rows = await queryRows<{
    user_id: string; display_name: string | null; username: string | null; avatar_url: string | null; is_bot: boolean | null;
    joined_at: string | null; left_at: string | null; roles: string[] | null; wallets: Record<string, [string, number | null]> | null;
  }>(
    exec,
    sql`WITH page AS (
          SELECT u.user_id, m.display_name, m.username, m.avatar_url, m.is_bot, m.joined_at, m.left_at, m.roles,
                 row_number() OVER (ORDER BY ${rank}, ${orderBy}) AS pos
          FROM ${everyone} u LEFT JOIN members m ON m.guild_id = ${guildId} AND m.user_id = u.user_id ${sortJoin}
          ${filter}
          ORDER BY pos LIMIT ${options.limit} OFFSET ${options.offset}
        )
        SELECT p.user_id::text, p.display_name, p.username, p.avatar_url, p.is_bot, p.joined_at::text, p.left_at::text, p.roles,
               (SELECT jsonb_object_agg(c.key, jsonb_build_array(w.balance::text, w.level)) FROM wallets w JOIN currencies c ON c.id = w.currency_id
                WHERE w.guild_id = ${guildId} AND w.user_id = p.user_id) AS wallets
        FROM page p ORDER BY p.pos`,
  );
  const roleNames = await namedRoles(exec, guildId, [...new Set(rows.flatMap((r) => r.roles ?? []))]);
  const curves = currencies.map((c) => ({ key: c.key, curve: c.level_curve ? LevelCurveSchema.safeParse(c.level_curve) : undefined }));
  return {
    ok: true,
    total: count?.n ?? 0,
    members: rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      username: r.username,
      avatarUrl: r.avatar_url,
      isBot: r.is_bot ?? false,
      joinedAt: r.joined_at ? new Date(r.joined_at).toISOString() : null,
      leftAt: r.left_at ? new Date(r.left_at).toISOString() : null,
      roles: roleNames(r.roles ?? []),
      balances: Object.fromEntries(Object.entries(r.wallets ?? {}).map(([k, [b]]) => [k, Number(b)])),
      levels: Object.fromEntries(
        curves.flatMap(({ key, curve }) => (curve?.success ? [[key, r.wallets?.[key]?.[1] ?? curve.data.start_level]] : [])),
      ),
    })),
  };
}
