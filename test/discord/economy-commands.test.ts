// /leaderboard, /milestones, /shop, /buy and /season through the real discord.js client against the
// fake Discord: each answers through the interaction callback with the expected embed, refusals are
// friendly and private, and a refused purchase or season roll changes nothing.
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, outbox, purchases, seasons, transactions } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { rollSeason } from '../../src/ledger/seasons.ts';
import { awardMilestone } from '../../src/milestones/repository.ts';
import { balances } from './support/harness.ts';
import { answerTo, isPrivate, OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, GUILD, MANAGE_GUILD, MEMBER_PERMISSIONS, slashCommand } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic' });

const give = (userId: string, currency: string, amount: number) => credit(ctx.database.db, { guildId: GUILD, userId, currency, amount });
const string = (name: string, value: string) => ({ name, type: OptionType.STRING, value });
const tableCount = async (table: typeof purchases | typeof transactions | typeof outbox | typeof seasons) => (await ctx.database.db.select({ n: count() }).from(table))[0]!.n;

describe('/leaderboard', () => {
  it('ranks the first currency all time by default, publicly, with medals', async () => {
    await give(ALICE, 'xp', 15);
    await give(BOB, 'xp', 40);
    await give(CAROL, 'xp', 7);
    const reply = await runCommand(ctx.harness, 'leaderboard', [], { id: CAROL });
    expect(isPrivate(reply)).toBe(false);
    expect(reply.data.embeds).toEqual([
      expect.objectContaining({ title: '✦ XP leaderboard — all time', description: `🥇 <@${BOB}> — **40**\n🥈 <@${ALICE}> — **15**\n🥉 <@${CAROL}> — **7**`, footer: { text: 'XP held' } }),
    ]);
  });

  it('shows the current season or a past one by number', async () => {
    await give(ALICE, 'stars', 3);
    await give(BOB, 'stars', 5);
    await rollSeason(ctx.database.db, GUILD, { boundary: new Date(Date.now() - 60_000) });
    await give(ALICE, 'stars', 2);
    const current = await runCommand(ctx.harness, 'leaderboard', [string('currency', 'stars'), string('season', 'current')]);
    expect(current.data.embeds[0]).toMatchObject({ title: '⭐ Stars leaderboard — Season 2 (current)', description: `🥇 <@${ALICE}> — **2**`, footer: { text: 'Stars held this season' } });
    const past = await runCommand(ctx.harness, 'leaderboard', [string('currency', 'Stars'), string('season', '1')]);
    expect(past.data.embeds[0]).toMatchObject({ title: '⭐ Stars leaderboard — Season 1', description: `🥇 <@${BOB}> — **5**\n🥈 <@${ALICE}> — **3**`, footer: { text: 'Stars held when the season ended' } });
  });

  it('says so when nobody has earned the currency yet', async () => {
    const reply = await runCommand(ctx.harness, 'leaderboard', [string('currency', 'gold')]);
    expect(reply.data.embeds[0]).toMatchObject({ title: '🪙 Gold leaderboard — all time', description: 'Nobody has earned any Gold yet.' });
  });

  it('refuses an unknown currency, a malformed season and a season that does not exist, privately and by name', async () => {
    const currency = await runCommand(ctx.harness, 'leaderboard', [string('currency', 'diamonds')]);
    expect(isPrivate(currency)).toBe(true);
    expect(currency.data.embeds[0]).toMatchObject({ title: 'That did not work', description: 'There is no currency `diamonds` here. Known currencies: `xp`, `stars`, `gold`.' });
    const malformed = await runCommand(ctx.harness, 'leaderboard', [string('season', 'last')]);
    expect(malformed.data.embeds[0]!.description).toBe('`last` is not a season: use `current` or a season number such as `1`.');
    const missing = await runCommand(ctx.harness, 'leaderboard', [string('season', '9')]);
    expect(isPrivate(missing)).toBe(true);
    expect(missing.data.embeds[0]!.description).toBe('There is no season 9 yet.');
  });
});

describe('/milestones and the milestones on /profile', () => {
  it("lists a member's milestones newest first with how many of the guild's they hold", async () => {
    await awardMilestone(ctx.database.db, GUILD, ALICE, 'chatterbox', 'test', new Date('2026-03-01T10:00:00Z'));
    await awardMilestone(ctx.database.db, GUILD, ALICE, 'cheerleader', 'test', new Date('2026-03-02T10:00:00Z'));
    const reply = await runCommand(ctx.harness, 'milestones', [{ name: 'member', type: OptionType.USER, value: ALICE }], { id: BOB });
    expect(isPrivate(reply)).toBe(false);
    const chatterbox = `💬 **Chatterbox** · common · <t:${Date.parse('2026-03-01T10:00:00Z') / 1000}:R>`;
    const cheerleader = `📣 **Cheerleader** · common · <t:${Date.parse('2026-03-02T10:00:00Z') / 1000}:R>`;
    expect(reply.data.embeds[0]).toMatchObject({ title: `user${ALICE.slice(-4)}'s Achievements`, description: `${cheerleader}\n${chatterbox}`, footer: { text: '2 of 15 Achievements earned' } });

    const profile = await runCommand(ctx.harness, 'profile', [], { id: ALICE });
    expect(profile.data.embeds[0]!.fields).toContainEqual({ name: 'Recent Achievements', value: `${cheerleader}\n${chatterbox}`, inline: false });
  });

  it('tells a member without milestones how many there are to earn', async () => {
    const reply = await runCommand(ctx.harness, 'milestones', [], { id: BOB });
    expect(reply.data.embeds[0]!.description).toBe('You have no Achievements yet (there are 15 to earn).');
  });
});

describe('/shop and /buy', () => {
  it('/shop lists the items with price and the caller’s balance, privately', async () => {
    await give(ALICE, 'gold', 12);
    const reply = await runCommand(ctx.harness, 'shop', [], { id: ALICE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]).toMatchObject({
      title: 'Shop',
      description: 'You have 12 🪙 Gold.',
      fields: [{ name: '☕ Coffee', value: "**25 🪙 Gold**\nA virtual coffee: the simplest thing to spend Gold on.\n`/buy item:coffee`" }],
    });
  });

  it('/buy debits the price and records the purchase once, even when the interaction is replayed', async () => {
    await give(ALICE, 'gold', 30);
    const interaction = slashCommand('buy', [string('item', 'coffee')], { id: ALICE, permissions: MEMBER_PERMISSIONS });
    const reply = await answerTo(ctx.harness, interaction);
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]).toMatchObject({ title: 'You bought ☕ Coffee', description: 'It cost **25 🪙 Gold**; you now have **5**.' });
    expect(await balances(ctx.database, ALICE)).toEqual({ gold: 5 });
    const [bought] = await ctx.database.db.select().from(purchases);
    expect(bought).toMatchObject({ userId: ALICE, price: 25 });

    // Delivered again (a RESUME replays it): no second purchase.
    const replayed = await answerTo(ctx.harness, interaction, 2);
    expect(replayed.data.embeds[0]!.description).toBe('This purchase of Coffee was already made.');
    expect(await tableCount(purchases)).toBe(1);
    expect(await balances(ctx.database, ALICE)).toEqual({ gold: 5 });
  });

  it('/buy with too little balance is a friendly private refusal that changes nothing', async () => {
    await give(ALICE, 'gold', 10);
    const before = { transactions: await tableCount(transactions), outbox: await tableCount(outbox) };
    const reply = await runCommand(ctx.harness, 'buy', [string('item', 'Coffee')], { id: ALICE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]).toMatchObject({ title: 'That did not work', description: '☕ Coffee costs **25 🪙 Gold**; you have **10**. Nothing was taken.' });
    expect(await balances(ctx.database, ALICE)).toEqual({ gold: 10 });
    expect(await tableCount(purchases)).toBe(0);
    expect({ transactions: await tableCount(transactions), outbox: await tableCount(outbox) }).toEqual(before);
    expect(ctx.harness.logs).toContainEqual(expect.objectContaining({ msg: 'command refused', command: 'buy', code: 'insufficient_funds', item: 'coffee' }));
  });

  it('/buy of an item the shop does not have names the ones it does', async () => {
    const reply = await runCommand(ctx.harness, 'buy', [string('item', 'tea')], { id: ALICE });
    expect(reply.data.embeds[0]!.description).toBe('There is no item `tea` in the shop. For sale: `coffee`. See /shop.');
  });
});

describe('/season (admins)', () => {
  const roll = (name?: string) => [{ name: 'roll', type: OptionType.SUB_COMMAND, options: name ? [string('name', name)] : [] }];
  const show = [{ name: 'show', type: OptionType.SUB_COMMAND, options: [] }];

  it('/season show tells an admin the current season and the seasonal currencies', async () => {
    const reply = await runCommand(ctx.harness, 'season', show, { id: CAROL, permissions: MANAGE_GUILD });
    expect(reply.data.embeds[0]).toMatchObject({ title: 'Season 1 (season 1)', description: 'Current season, since the beginning. 0 past season(s).\nSeasonal currencies: Stars.' });
  });

  it('/season roll closes the season, resets seasonal balances, audits it, and a replay does not roll again', async () => {
    await give(ALICE, 'stars', 4);
    await give(ALICE, 'gold', 9);
    const interaction = slashCommand('season', roll('Winter'), { id: CAROL, permissions: MANAGE_GUILD });
    const reply = await answerTo(ctx.harness, interaction);
    expect(isPrivate(reply)).toBe(false);
    expect(reply.data.embeds[0]).toMatchObject({ title: 'Winter has begun', description: 'Season 1 is over. 1 seasonal balance(s) were reset.\nSeasonal currencies: Stars.' });
    expect(await balances(ctx.database, ALICE)).toEqual({ gold: 9 });
    const rows = await ctx.database.db.select().from(seasons).where(eq(seasons.guildId, GUILD));
    expect(rows.map((s) => [s.number, s.name, s.endedAt === null])).toEqual(expect.arrayContaining([[1, 'Season 1', false], [2, 'Winter', true]]));
    const [entry] = await ctx.database.db.select().from(auditLog).where(and(eq(auditLog.guildId, GUILD), eq(auditLog.action, 'season.roll')));
    expect(entry).toMatchObject({ actor: expect.stringContaining(`discord:${CAROL}`), entityKey: '2' });

    const replayed = await answerTo(ctx.harness, interaction, 2);
    expect(replayed.data.embeds[0]!.description).toBe('Winter started at or after this command; it was not rolled again.');
    expect(await tableCount(seasons)).toBe(2);
  });

  it('/season from a member who is not an admin is refused and rolls nothing', async () => {
    await give(ALICE, 'stars', 4);
    const reply = await runCommand(ctx.harness, 'season', roll(), { id: ALICE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.description).toBe('Only admins can use /season (Manage Server permission or a Cairn admin role).');
    expect((await ctx.database.db.select().from(seasons)).map((s) => [s.number, s.endedAt])).toEqual([[1, null]]);
    expect(await balances(ctx.database, ALICE)).toEqual({ stars: 4 });
  });
});
