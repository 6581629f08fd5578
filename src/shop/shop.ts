// The shop: items (validated, audited) and purchases that debit atomically and never oversell —
// the item's row is locked for the purchase, so concurrent buyers queue on it.
import { isDeepStrictEqual } from 'node:util';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { recordVersion } from '../config-history/record.ts';
import { retryConflicts, type Db, type Executor } from '../db/client.ts';
import { currencies, members, purchases, shopItems, wallets } from '../db/schema.ts';
import { applyPostings } from '../ledger/apply-postings.ts';
import type { Posting } from '../ledger/posting.ts';
import { postEntries } from '../ledger/postings.ts';
import { lockMemberWallets } from '../ledger/wallet-locks.ts';
import type { EngineProcessor } from '../pipeline/engine-processor.ts';
import { formatPath } from '../rules/compiler.ts';
import { lockGuildConfig, type SaveResult } from '../rules/repository.ts';
import { renderTemplate } from '../rules/template.ts';
import { ShopItemSchema, type ShopItem } from './schema.ts';

export interface StoredItem extends ShopItem {
  id: number;
}

export async function saveShopItem(exec: Executor, guildId: string, document: unknown, actor: string): Promise<SaveResult<StoredItem>> {
  const parsed = ShopItemSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  await lockGuildConfig(exec, guildId);
  const item = parsed.data;
  const [currency] = await exec.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, item.currency)));
  if (!currency) return { ok: false, problems: [{ path: 'currency', message: `unknown currency "${item.currency}"` }] };
  if (!currency.spendable) return { ok: false, problems: [{ path: 'currency', message: `currency "${item.currency}" is not spendable` }] };
  const { stock, ...rest } = item;
  const document_ = rest as unknown as Record<string, unknown>;
  const [existing] = await exec.select().from(shopItems).where(and(eq(shopItems.guildId, guildId), eq(shopItems.key, item.key)));
  if (existing && isDeepStrictEqual(existing.document, document_) && existing.stock === stock && existing.enabled === item.enabled) {
    return { ok: true, value: { ...item, id: existing.id } };
  }
  const [row] = existing
    ? await exec.update(shopItems).set({ document: document_, stock, enabled: item.enabled, updatedAt: new Date() }).where(eq(shopItems.id, existing.id)).returning()
    : await exec.insert(shopItems).values({ guildId, key: item.key, document: document_, stock, enabled: item.enabled }).returning();
  const previous = existing ? itemDocument(existing) : null;
  const auditId = await audit(exec, { guildId, actor, action: existing ? 'shop.update' : 'shop.create', entityType: 'shop_item', entityKey: item.key, before: previous, after: item });
  await recordVersion(exec, { guildId, kind: 'shop_item', key: item.key, actor, document: item, previous, auditId });
  return { ok: true, value: { ...item, id: row!.id } };
}

/** An item as its save takes it (what its versions hold): the document with its stock. */
export function itemDocument(row: typeof shopItems.$inferSelect): Record<string, unknown> {
  return { ...row.document, stock: row.stock, enabled: row.enabled };
}

/** Deletes an item (its purchases stay, as history), audit-logged and versioned. */
export async function deleteShopItem(exec: Executor, guildId: string, key: string, actor: string): Promise<boolean> {
  await lockGuildConfig(exec, guildId);
  const [row] = await exec.delete(shopItems).where(and(eq(shopItems.guildId, guildId), eq(shopItems.key, key))).returning();
  if (!row) return false;
  const previous = itemDocument(row);
  const auditId = await audit(exec, { guildId, actor, action: 'shop.delete', entityType: 'shop_item', entityKey: key, before: previous, after: null });
  await recordVersion(exec, { guildId, kind: 'shop_item', key, actor, document: null, previous, auditId });
  return true;
}

function toItem(row: typeof shopItems.$inferSelect): StoredItem {
  return { ...ShopItemSchema.parse({ ...row.document, stock: row.stock, enabled: row.enabled }), id: row.id };
}

export async function listShopItems(exec: Executor, guildId: string, options: { includeDisabled?: boolean } = {}): Promise<StoredItem[]> {
  const rows = await exec.select().from(shopItems).where(eq(shopItems.guildId, guildId)).orderBy(asc(shopItems.key));
  return rows
    .map(toItem)
    .filter((i) => options.includeDisabled || i.enabled)
    .sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : 1));
}

export type PurchaseFailure =
  | 'unknown_item'
  | 'disabled'
  | 'sold_out'
  | 'limit_reached'
  | 'missing_role'
  | 'level_too_low'
  | 'insufficient_funds'
  | 'out_of_range';

export type PurchaseResult =
  | { ok: true; item: string; price: number; currency: string; balance: number; stockLeft: number | null; purchaseId: number }
  | { ok: false; code: PurchaseFailure; message: string };

/**
 * Buys one unit of an item for a member: all checks, the debit, stock and effects in one
 * transaction, tried again if Postgres aborts it to break a deadlock (its rules on
 * `shop_purchase` can take locks after the wallet's).
 */
export async function purchase(
  db: Db,
  guildId: string,
  userId: string,
  itemKey: string,
  options: { at?: Date; engine?: EngineProcessor } = {},
): Promise<PurchaseResult> {
  const at = options.at ?? new Date();
  return retryConflicts(() => buy(db, guildId, userId, itemKey, at, options.engine));
}

function buy(db: Db, guildId: string, userId: string, itemKey: string, at: Date, engine: EngineProcessor | undefined): Promise<PurchaseResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(shopItems).where(and(eq(shopItems.guildId, guildId), eq(shopItems.key, itemKey))).for('update');
    if (!row) return { ok: false, code: 'unknown_item', message: `there is no item "${itemKey}"` } as const;
    const item = toItem(row);
    if (!item.enabled) return { ok: false, code: 'disabled', message: `${item.name} is not for sale right now` } as const;
    if (row.stock !== null && row.stock <= 0) return { ok: false, code: 'sold_out', message: `${item.name} is sold out` } as const;
    if (item.per_member_limit !== null) {
      const [bought] = await tx.select({ n: count() }).from(purchases).where(and(eq(purchases.itemId, row.id), eq(purchases.userId, userId)));
      if ((bought?.n ?? 0) >= item.per_member_limit) return { ok: false, code: 'limit_reached', message: `you already bought ${item.name} ${item.per_member_limit} time(s), the most allowed` } as const;
    }
    if (item.required_role) {
      const [member] = await tx.select({ roles: members.roles }).from(members).where(and(eq(members.guildId, guildId), eq(members.userId, userId)));
      if (!member?.roles.includes(item.required_role)) return { ok: false, code: 'missing_role', message: `${item.name} needs a role you do not have` } as const;
    }
    const [currency] = await tx.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, item.currency)));
    if (!currency) return { ok: false, code: 'unknown_item', message: `${item.name} is priced in a currency that no longer exists` } as const;
    if (item.required_level) {
      const [levelCurrency] = await tx.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, item.required_level.currency)));
      const [wallet] = levelCurrency
        ? await tx.select({ level: wallets.level }).from(wallets).where(and(eq(wallets.guildId, guildId), eq(wallets.userId, userId), eq(wallets.currencyId, levelCurrency.id)))
        : [];
      if ((wallet?.level ?? 0) < item.required_level.level) {
        return { ok: false, code: 'level_too_low', message: `${item.name} needs ${item.required_level.currency} level ${item.required_level.level}` } as const;
      }
    }
    const locked = await lockMemberWallets(tx, guildId, [userId], [{ id: currency.id, startLevel: null, allowNegative: currency.allowNegative }]);
    const debit: Posting = { guildId, userId, currencyId: currency.id, delta: -item.price, source: 'shop', at, reason: `bought ${item.name}` };
    // Decided before the purchase row exists, so a refused purchase writes nothing.
    const [check] = applyPostings(locked, [debit]).results;
    if (check!.status === 'out_of_range') return { ok: false, code: 'out_of_range', message: `${item.name} cannot be bought: ${check!.reason}` } as const;
    if (check!.status !== 'applied') {
      return { ok: false, code: 'insufficient_funds', message: `${item.name} costs ${item.price} ${currency.name}; you have ${check!.balance}` } as const;
    }
    const [bought] = await tx.insert(purchases).values({ guildId, itemId: row.id, userId, price: item.price, currencyId: currency.id, at }).returning({ id: purchases.id });
    const [paid] = await postEntries(tx, [{ ...debit, detail: { item: item.key, purchase: bought!.id }, idemKey: `purchase:${bought!.id}` }], { wallets: locked });
    let stockLeft: number | null = null;
    if (row.stock !== null) {
      const [updated] = await tx.update(shopItems).set({ stock: sql`${shopItems.stock} - 1` }).where(eq(shopItems.id, row.id)).returning({ stock: shopItems.stock });
      stockLeft = updated!.stock;
    }
    const outbox = item.effects.map((e) => {
      const values = { member: { id: userId, mention: `<@${userId}>` }, item: { name: item.name, key: item.key, price: item.price } };
      switch (e.type) {
        case 'role_add':
        case 'role_remove':
          return { k: e.type, p: { user_id: userId, role_id: e.role, reason: `bought ${item.name}` } };
        case 'message':
          return { k: 'message', p: { channel_id: e.channel, content: renderTemplate(e.template, values) } };
        case 'dm':
          return { k: 'dm', p: { user_id: userId, content: renderTemplate(e.template, values) } };
      }
    });
    if (outbox.length > 0) {
      await tx.execute(sql`INSERT INTO outbox (guild_id, kind, payload) SELECT ${guildId}, k, p FROM json_to_recordset(${JSON.stringify(outbox)}::json) AS v(k text, p jsonb)`);
    }
    // Rules may react to the purchase (a thank-you, a bonus, an announcement).
    await engine?.processUnstored(tx, {
      source_id: `purchase:${bought!.id}`,
      type: 'shop_purchase',
      guild_id: guildId,
      actor_id: userId,
      target_id: null,
      channel_id: null,
      occurred_at: at.toISOString(),
      data: { item: item.key, price: item.price, currency: currency.key, quantity: 1 },
    });
    return { ok: true, item: item.key, price: item.price, currency: currency.key, balance: paid!.balance, stockLeft, purchaseId: bought!.id } as const;
  });
}
