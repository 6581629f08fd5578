// Shop items: priced in a spendable currency, with optional stock, per-member limit, required
// role or level, and effects on purchase (roles, messages; rules can react to shop_purchase).
import { z } from 'zod';
import { Amount, Level, MAX_STOCK, Order, Stock, wholeNumber } from '../config/ranges.ts';
import { DisplayName } from '../config/text.ts';
import { IdOrPlaceholder } from '../rules/schema.ts';

const ItemEffect = z.discriminatedUnion('type', [
  z.object({ type: z.literal('role_add'), role: IdOrPlaceholder }).strict(),
  z.object({ type: z.literal('role_remove'), role: IdOrPlaceholder }).strict(),
  z.object({ type: z.literal('message'), channel: IdOrPlaceholder, template: z.string().min(1).max(2000) }).strict(),
  z.object({ type: z.literal('dm'), template: z.string().min(1).max(2000) }).strict(),
]);

export const ShopItemSchema = z
  .object({
    key: z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_.-]*$/),
    name: DisplayName(100),
    description: z.string().max(500).default(''),
    icon: z.string().max(64).default('🛒'),
    currency: z.string().min(1).max(32),
    price: Amount(),
    /** Units available; null = unlimited. Sold out at 0. */
    stock: Stock().nullable().default(null),
    per_member_limit: wholeNumber(1, MAX_STOCK).nullable().default(null),
    required_role: IdOrPlaceholder.nullable().default(null),
    required_level: z.object({ currency: z.string().min(1), level: Level() }).strict().nullable().default(null),
    effects: z.array(ItemEffect).max(10).default([]),
    enabled: z.boolean().default(true),
    order: Order().default(0),
  })
  .strict();

export type ShopItemInput = z.input<typeof ShopItemSchema>;
export type ShopItem = z.output<typeof ShopItemSchema>;
