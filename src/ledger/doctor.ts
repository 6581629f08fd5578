// `cairn doctor`: checks the ledger invariants of PRODUCT.md §2.3 against what is stored, and that
// every lake row holds its exactly-once key (a row without one would let a replay be paid again).
import { sql, type SQL } from 'drizzle-orm';
import { MAX_BALANCE } from '../config/ranges.ts';
import { queryRows, type Executor } from '../db/client.ts';

export interface Violation {
  invariant: 'balance_equals_sum' | 'no_negative_balance' | 'lifetime_equals_earnings' | 'balance_after_chain' | 'within_limits' | 'lake_row_keyed';
  guildId: string;
  /** The member (for a lake row, its actor; null when it has none). */
  userId: string | null;
  /** The currency; null for a lake row. */
  currencyId: number | null;
  detail: string;
}

export async function checkLedger(exec: Executor, guildId?: string): Promise<Violation[]> {
  const w = (alias: string): SQL => (guildId ? sql`AND ${sql.raw(alias)}.guild_id = ${guildId}` : sql``);
  const balance = await queryRows<{ g: string; u: string; c: number; balance: string; sum: string }>(
    exec,
    sql`SELECT w.guild_id::text g, w.user_id::text u, w.currency_id c, w.balance::text balance,
               COALESCE(t.sum, 0)::text sum
        FROM wallets w
        LEFT JOIN (SELECT guild_id, user_id, currency_id, SUM(delta) sum FROM transactions
                   GROUP BY guild_id, user_id, currency_id) t
          ON t.guild_id = w.guild_id AND t.user_id = w.user_id AND t.currency_id = w.currency_id
        WHERE w.balance <> COALESCE(t.sum, 0) ${w('w')}`,
  );
  const negative = await queryRows<{ g: string; u: string; c: number; balance: string }>(
    exec,
    sql`SELECT w.guild_id::text g, w.user_id::text u, w.currency_id c, w.balance::text balance
        FROM wallets w JOIN currencies cur ON cur.id = w.currency_id
        WHERE w.balance < 0 AND NOT cur.allow_negative ${w('w')}`,
  );
  const lifetime = await queryRows<{ g: string; u: string; c: number; lifetime: string; earned: string }>(
    exec,
    sql`SELECT w.guild_id::text g, w.user_id::text u, w.currency_id c, w.lifetime_earned::text lifetime,
               COALESCE(t.earned, 0)::text earned
        FROM wallets w
        LEFT JOIN (SELECT guild_id, user_id, currency_id,
                          SUM(delta) FILTER (WHERE delta > 0 AND source <> 'season_roll') earned
                   FROM transactions GROUP BY guild_id, user_id, currency_id) t
          ON t.guild_id = w.guild_id AND t.user_id = w.user_id AND t.currency_id = w.currency_id
        WHERE w.lifetime_earned <> COALESCE(t.earned, 0) ${w('w')}`,
  );
  const chain = await queryRows<{ g: string; u: string; c: number; id: string; prev: string; delta: string; after: string }>(
    exec,
    sql`SELECT g, u, c, id::text, prev::text, delta::text, after::text FROM (
          SELECT t.guild_id::text g, t.user_id::text u, t.currency_id c, t.id, t.delta,
                 t.balance_after after,
                 LAG(t.balance_after, 1, 0::bigint) OVER (PARTITION BY t.guild_id, t.user_id, t.currency_id ORDER BY t.id) prev
          FROM transactions t WHERE TRUE ${w('t')}) x
        WHERE after <> prev + delta LIMIT 1000`,
  );
  // Balances and lifetime totals beyond ±MAX_BALANCE cannot be counted exactly (or soon will not):
  // the ledger refuses to write them, so one here was left by an older version or a hand edit.
  const beyond = await queryRows<{ g: string; u: string; c: number; balance: string; lifetime: string }>(
    exec,
    sql`SELECT w.guild_id::text g, w.user_id::text u, w.currency_id c, w.balance::text balance, w.lifetime_earned::text lifetime
        FROM wallets w
        WHERE (abs(w.balance) > ${MAX_BALANCE} OR w.lifetime_earned > ${MAX_BALANCE} OR w.lifetime_earned < 0) ${w('w')}`,
  );
  // Exactly once rests on lake_event_keys (src/lake): each lake row's (guild, source id) key must
  // be there and name that row.
  const unkeyed = await queryRows<{ g: string; u: string | null; id: string; s: string; k: string | null }>(
    exec,
    sql`SELECT e.guild_id::text g, e.actor_id::text u, e.id::text id, e.source_id s, k.event_id::text k
        FROM lake_events e LEFT JOIN lake_event_keys k ON k.guild_id = e.guild_id AND k.source_id = e.source_id
        WHERE (k.event_id IS NULL OR k.event_id <> e.id) ${w('e')} LIMIT 1000`,
  );
  return [
    ...unkeyed.map((r) => ({
      invariant: 'lake_row_keyed' as const, guildId: r.g, userId: r.u, currencyId: null,
      detail: r.k === null
        ? `lake event ${r.id} (source id ${JSON.stringify(r.s)}) has no exactly-once key: a replay of it would be accepted again`
        : `lake event ${r.id} (source id ${JSON.stringify(r.s)}) has a key naming event ${r.k}`,
    })),
    ...beyond.map((r) => ({
      invariant: 'within_limits' as const, guildId: r.g, userId: r.u, currencyId: r.c,
      detail: `balance ${r.balance}, lifetime earned ${r.lifetime}: balances must stay within ±${MAX_BALANCE.toLocaleString('en-US')} and lifetime totals within 0 to ${MAX_BALANCE.toLocaleString('en-US')}`,
    })),
    ...balance.map((r) => ({
      invariant: 'balance_equals_sum' as const, guildId: r.g, userId: r.u, currencyId: r.c,
      detail: `balance ${r.balance} but transactions sum to ${r.sum}`,
    })),
    ...negative.map((r) => ({
      invariant: 'no_negative_balance' as const, guildId: r.g, userId: r.u, currencyId: r.c,
      detail: `balance ${r.balance} below zero in a currency that does not allow it`,
    })),
    ...lifetime.map((r) => ({
      invariant: 'lifetime_equals_earnings' as const, guildId: r.g, userId: r.u, currencyId: r.c,
      detail: `lifetime earned ${r.lifetime} but credits sum to ${r.earned}`,
    })),
    ...chain.map((r) => ({
      invariant: 'balance_after_chain' as const, guildId: r.g, userId: r.u, currencyId: r.c,
      detail: `transaction ${r.id}: balance_after ${r.after} ≠ previous ${r.prev} + delta ${r.delta}`,
    })),
  ];
}
