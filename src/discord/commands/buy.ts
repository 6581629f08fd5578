// /buy item — buys one unit of a shop item: the shop debits, checks stock and conditions and queues
// the item's effects in one transaction; a refusal (too expensive, sold out, …) changes nothing.
// Replaying the interaction (a RESUME) does not buy twice: the purchase is dated by the interaction
// and a purchase of that item by that member at that moment is the same purchase.
import { SlashCommandBuilder } from 'discord.js';
import { and, eq } from 'drizzle-orm';
import { purchases, wallets } from '../../db/schema.ts';
import { MilestoneChecker } from '../../milestones/checker.ts';
import { EngineProcessor } from '../../pipeline/engine-processor.ts';
import { labelsFor } from '../../guilds/labels.ts';
import { listShopItems, purchase } from '../../shop/shop.ts';
import { snowflakeIso } from '../normalize/snowflake.ts';
import type { CommandServices, SlashCommand } from './command.ts';
import { suggest } from './currency-option.ts';
import { Colour, embed, formatAmount, refuse } from './replies.ts';

/** Rules may react to shop_purchase: the purchase runs them like the API's purchases do. */
const engines = new WeakMap<CommandServices['configs'], EngineProcessor>();
function engineFor({ configs, logger }: CommandServices): EngineProcessor {
  let engine = engines.get(configs);
  if (!engine) engines.set(configs, (engine = new EngineProcessor(configs, { logger, milestones: new MilestoneChecker() })));
  return engine;
}

export const buy: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('buy')
    .setDescription('Buy an item from the shop (see /shop)')
    .addStringOption((o) => o.setName('item').setDescription('The item, e.g. coffee').setRequired(true).setMaxLength(100).setAutocomplete(true))
    .toJSON(),
  access: 'member',
  ephemeral: true,
  async autocomplete({ db, guildId, focused }) {
    const items = (await listShopItems(db, guildId)).filter((i) => i.enabled);
    return suggest(items, focused.value, (i) => `${i.icon} ${i.name} — ${formatAmount(i.price)} ${i.currency}`, (i) => i.key);
  },
  async run(context) {
    const { interaction, guildId, userId, configs, db } = context;
    const typed = interaction.options.getString('item', true).trim();
    const wanted = typed.toLowerCase();
    const items = await listShopItems(db, guildId, { includeDisabled: true });
    const item = items.find((i) => i.key === wanted) ?? items.find((i) => i.name.toLowerCase() === wanted);
    if (!item) {
      const forSale = items.filter((i) => i.enabled).map((i) => `\`${i.key}\``).join(', ');
      return refuse('unknown_item', `There is no item \`${typed}\` in the shop.${forSale ? ` For sale: ${forSale}.` : ''} See /shop.`, { item: wanted });
    }
    const at = new Date(snowflakeIso(interaction.id));
    const [already] = await db
      .select({ id: purchases.id })
      .from(purchases)
      .where(and(eq(purchases.guildId, guildId), eq(purchases.itemId, item.id), eq(purchases.userId, userId), eq(purchases.at, at)));
    if (already) return refuse('already_bought', `This purchase of ${item.name} was already made.`, { item: item.key, purchase: already.id });
    const result = await purchase(db, guildId, userId, item.key, { at, engine: engineFor(context) });
    const config = await configs.get(guildId);
    const currency = config.currencies.get(item.currency);
    const label = currency ? labelsFor(config.settings).currencyWithSymbol(currency) : item.currency;
    if (!result.ok) {
      const message = result.code === 'insufficient_funds'
        ? `${item.icon} ${item.name} costs **${formatAmount(item.price)} ${label}**; you have **${formatAmount(await balanceOf(db, guildId, userId, currency?.id))}**. Nothing was taken.`
        : `${capitalise(result.message)}.`;
      return refuse(result.code, message, { item: item.key });
    }
    const stock = result.stockLeft === null ? '' : ` ${formatAmount(result.stockLeft)} left in the shop.`;
    return {
      embeds: [embed(`You bought ${item.icon} ${item.name}`, `It cost **${formatAmount(result.price)} ${label}**; you now have **${formatAmount(result.balance)}**.${stock}`, { color: Colour.success })],
    };
  },
};

async function balanceOf(db: CommandServices['db'], guildId: string, userId: string, currencyId: number | undefined): Promise<number> {
  if (currencyId === undefined) return 0;
  const [wallet] = await db.select({ balance: wallets.balance }).from(wallets).where(and(eq(wallets.guildId, guildId), eq(wallets.userId, userId), eq(wallets.currencyId, currencyId)));
  return wallet?.balance ?? 0;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
