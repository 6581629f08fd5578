// /shop — what is for sale: each item with its price, stock and conditions, and the caller's
// balance in the currencies the shop uses. Private, since it shows the caller's balances.
import { SlashCommandBuilder, type APIEmbedField } from 'discord.js';
import { and, eq, inArray } from 'drizzle-orm';
import { wallets } from '../../db/schema.ts';
import type { CurrencyInfo } from '../../rules/compiler.ts';
import { listShopItems, type StoredItem } from '../../shop/shop.ts';
import type { SlashCommand } from './command.ts';
import { currencyLabel } from './currency-option.ts';
import { embed, formatAmount } from './replies.ts';

const MAX_FIELDS = 24;

export function describeItem(item: StoredItem, currency: CurrencyInfo | undefined): APIEmbedField {
  const price = `**${formatAmount(item.price)} ${currency ? currencyLabel(currency) : item.currency}**`;
  const notes = [
    item.stock === null ? null : item.stock === 0 ? 'sold out' : `${formatAmount(item.stock)} left`,
    item.per_member_limit === null ? null : `max ${item.per_member_limit} per member`,
    item.required_level ? `needs ${item.required_level.currency} level ${item.required_level.level}` : null,
    item.required_role ? `needs <@&${item.required_role}>` : null,
  ].filter((n): n is string => n !== null);
  const lines = [price + (notes.length > 0 ? ` · ${notes.join(' · ')}` : ''), item.description, `\`/buy item:${item.key}\``].filter(Boolean);
  return { name: `${item.icon} ${item.name}`.slice(0, 256), value: lines.join('\n').slice(0, 1024) };
}

export const shop: SlashCommand = {
  data: new SlashCommandBuilder().setName('shop').setDescription('What you can buy with your currencies').toJSON(),
  access: 'member',
  ephemeral: true,
  async run({ guildId, userId, configs, db }) {
    const items = await listShopItems(db, guildId);
    if (items.length === 0) return { embeds: [embed('The shop is empty', 'Nothing is for sale right now; check again later.')] };
    const config = await configs.get(guildId);
    const used = [...new Set(items.map((i) => i.currency))].map((key) => config.currencies.get(key)).filter((c): c is CurrencyInfo => c !== undefined);
    const held = used.length === 0 ? [] : await db
      .select({ currencyId: wallets.currencyId, balance: wallets.balance })
      .from(wallets)
      .where(and(eq(wallets.guildId, guildId), eq(wallets.userId, userId), inArray(wallets.currencyId, used.map((c) => c.id))));
    const balance = (c: CurrencyInfo) => held.find((w) => w.currencyId === c.id)?.balance ?? 0;
    const fields = items.slice(0, MAX_FIELDS).map((item) => describeItem(item, config.currencies.get(item.currency)));
    const you = used.map((c) => `${formatAmount(balance(c))} ${currencyLabel(c)}`).join(' · ');
    return { embeds: [embed('Shop', you ? `You have ${you}.` : undefined, { fields, ...(items.length > MAX_FIELDS ? { footer: { text: `and ${items.length - MAX_FIELDS} more items` } } : {}) })] };
  },
};
