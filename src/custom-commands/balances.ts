// The balances a reply template shows ({balance.CURRENCY}): one query for the currencies it names.
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { currencies, wallets } from '../db/schema.ts';

export async function memberBalances(exec: Executor, guildId: string, userId: string, keys: readonly string[]): Promise<Record<string, number>> {
  if (keys.length === 0) return {};
  const rows = await exec
    .select({ key: currencies.key, balance: wallets.balance })
    .from(wallets)
    .innerJoin(currencies, eq(currencies.id, wallets.currencyId))
    .where(and(eq(wallets.guildId, guildId), eq(wallets.userId, userId), inArray(currencies.key, [...keys])));
  return Object.fromEntries(rows.map((r) => [r.key, r.balance]));
}
