// What a card shows, read from the database (both drivers): names and avatar from the directory,
// the guild's accent, level and progress and rank on the main currency, up to three balances, the
// latest milestone; and the card service's outcomes (unknown member, not modified, failed, timeout).
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AvatarSource } from '../../src/cards/avatar.ts';
import { loadRankCardData } from '../../src/cards/card-data.ts';
import { RankCards } from '../../src/cards/rank-cards.ts';
import { guilds, members, wallets } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { awardMilestone } from '../../src/milestones/repository.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, OTHER_GUILD } from '../support/factories.ts';
import { importClassic } from '../discord/support/harness.ts';
import { pngSize } from './support.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await importClassic(database);
});

const give = (userId: string, currency: string, amount: number, guildId = GUILD) => credit(database.db, { guildId, userId, currency, amount });
const addMember = (userId: string, values: Partial<typeof members.$inferInsert> = {}, guildId = GUILD) =>
  database.db.insert(members).values({ guildId, userId, displayName: `Member ${userId.slice(-2)}`, ...values });
const noAvatars: AvatarSource = { load: async () => null };

describe('loadRankCardData', () => {
  it('reads the name, username, avatar and the guild accent', async () => {
    await addMember(ALICE, { displayName: 'Ada', username: 'ada', avatarUrl: 'https://cdn.discordapp.com/avatars/1/a.png' });
    await database.db.update(guilds).set({ settings: { accent_color: '#ff8800' } }).where(eq(guilds.id, GUILD));
    const card = await loadRankCardData(database.db, GUILD, ALICE);
    expect(card).toMatchObject({ known: true, data: { userId: ALICE, displayName: 'Ada', username: 'ada', avatarUrl: 'https://cdn.discordapp.com/avatars/1/a.png', accentColor: '#ff8800', left: false } });
  });

  it('falls back to the names it is given when the directory has none', async () => {
    const card = await loadRankCardData(database.db, GUILD, ALICE, { displayName: 'From Discord', username: 'fromdiscord' });
    expect(card).toMatchObject({ known: false, data: { displayName: 'From Discord', username: 'fromdiscord', avatarUrl: null, accentColor: null } });
  });

  it('shows level and progress on the main currency, and the rank by it ordered as the leaderboard (ties by id)', async () => {
    await give(ALICE, 'xp', 140);
    await give(BOB, 'xp', 140);
    await give(CAROL, 'xp', 500);
    await database.db.update(wallets).set({ level: 2 }).where(and(eq(wallets.guildId, GUILD), eq(wallets.userId, ALICE)));
    const alice = (await loadRankCardData(database.db, GUILD, ALICE))!.data;
    // The classic XP curve: 100 × 1.25^L, on the balance.
    expect(alice.level).toEqual({ level: 2, held: 140, startsAt: 125, nextAt: 156, unit: 'XP', label: 'Level' });
    expect(alice.rank).toEqual({ position: 2, currency: 'XP' });
    expect((await loadRankCardData(database.db, GUILD, BOB))!.data.rank).toEqual({ position: 3, currency: 'XP' });
    expect((await loadRankCardData(database.db, GUILD, CAROL))!.data.rank).toEqual({ position: 1, currency: 'XP' });
  });

  it('calls currencies and the level by the guild’s labels', async () => {
    await give(ALICE, 'xp', 30);
    await give(ALICE, 'gold', 4);
    await database.db.update(guilds).set({ settings: { labels: { xp: 'Sparks', gold: 'Doubloons', level: 'Rank tier' } } }).where(eq(guilds.id, GUILD));
    const alice = (await loadRankCardData(database.db, GUILD, ALICE))!.data;
    expect(alice.level).toMatchObject({ unit: 'Sparks', label: 'Rank tier' });
    expect(alice.rank).toEqual({ position: 1, currency: 'Sparks' });
    expect(alice.balances.map((b) => b.name)).toEqual(['Sparks', 'Doubloons']);
  });

  it('has no rank without a positive balance of the main currency, and the curve’s first level', async () => {
    await give(ALICE, 'gold', 5);
    const alice = (await loadRankCardData(database.db, GUILD, ALICE))!.data;
    expect(alice.rank).toBeNull();
    expect(alice.level).toEqual({ level: 1, held: 0, startsAt: 0, nextAt: 125, unit: 'XP', label: 'Level' });
  });

  it('lists up to three held balances with symbols in the guild’s order, and the latest milestone', async () => {
    await give(ALICE, 'gold', 7);
    await give(ALICE, 'xp', 30);
    await give(ALICE, 'stars', 2);
    await awardMilestone(database.db, GUILD, ALICE, 'chatterbox', 'test', new Date('2026-03-01T10:00:00Z'));
    await awardMilestone(database.db, GUILD, ALICE, 'cheerleader', 'test', new Date('2026-03-02T10:00:00Z'));
    const alice = (await loadRankCardData(database.db, GUILD, ALICE))!.data;
    expect(alice.balances).toEqual([
      { name: 'XP', symbol: '✦', amount: 30 },
      { name: 'Stars', symbol: '⭐', amount: 2 },
      { name: 'Gold', symbol: '🪙', amount: 7 },
    ]);
    expect(alice.milestone).toEqual({ icon: '📣', name: 'Cheerleader' });
  });

  it('knows a member by the directory or a wallet, not by another guild', async () => {
    await database.db.insert(guilds).values({ id: OTHER_GUILD, name: 'Other' });
    await addMember(BOB, {}, OTHER_GUILD);
    await give(CAROL, 'xp', 3);
    await addMember(ALICE, { leftAt: new Date() });
    expect((await loadRankCardData(database.db, GUILD, ALICE))).toMatchObject({ known: true, data: { left: true } });
    expect((await loadRankCardData(database.db, GUILD, CAROL))!.known).toBe(true);
    expect((await loadRankCardData(database.db, GUILD, BOB))!.known).toBe(false);
    expect((await loadRankCardData(database.db, OTHER_GUILD, BOB))!.known).toBe(true);
  });

  it('answers null for a guild Cairn does not know', async () => {
    expect(await loadRankCardData(database.db, '1999999999999999999', ALICE)).toBeNull();
  });
});

describe('RankCards', () => {
  it('renders a known member’s card as a 934×282 PNG with a strong ETag, and answers not_modified for that ETag', async () => {
    await give(ALICE, 'xp', 10);
    const cards = new RankCards({}, { avatars: noAvatars });
    const card = await cards.card(database.db, GUILD, ALICE, { requireKnown: true });
    expect(card.kind).toBe('rendered');
    if (card.kind !== 'rendered') return;
    expect(pngSize(card.png)).toEqual({ width: 934, height: 282 });
    expect(card.etag).toMatch(/^"card-1-[A-Za-z0-9_-]+"$/);
    expect(await cards.card(database.db, GUILD, ALICE, { ifNoneMatch: `"other", ${card.etag}` })).toEqual({ kind: 'not_modified', etag: card.etag });
    await give(ALICE, 'xp', 1);
    expect((await cards.card(database.db, GUILD, ALICE, { ifNoneMatch: card.etag })).kind).toBe('rendered');
  });

  it('says unknown_member for an id the guild never saw when asked to, unknown_guild for an unknown guild', async () => {
    const cards = new RankCards({}, { avatars: noAvatars });
    expect(await cards.card(database.db, GUILD, BOB, { requireKnown: true })).toEqual({ kind: 'unknown_member' });
    expect((await cards.card(database.db, GUILD, BOB)).kind).toBe('rendered');
    expect(await cards.card(database.db, '1999999999999999999', BOB)).toEqual({ kind: 'unknown_guild' });
  });

  it('turns a failing drawing into failed, and a stalled one into timeout', async () => {
    const failing = new RankCards({}, { avatars: noAvatars, render: () => { throw new Error('skia exploded'); } });
    const failed = await failing.card(database.db, GUILD, ALICE);
    expect(failed).toMatchObject({ kind: 'failed', error: expect.objectContaining({ message: 'skia exploded' }) });
    const stalled = new RankCards({ timeoutMs: 50 }, { avatars: noAvatars, render: () => new Promise<Buffer>(() => undefined) });
    expect(await stalled.card(database.db, GUILD, ALICE)).toEqual({ kind: 'timeout' });
  });
});
