// Backtesting candidate rules against recorded history: the guild's lake events replayed through
// the live and the candidate configuration, the payout difference per currency and member, members'
// roles and the time window respected, and nothing written to the guild.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { members } from '../../src/db/schema.ts';
import { backtest, BacktestError, BacktestSession } from '../../src/rules/backtest.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { ALICE, BOB, CAROL, GUILD } from '../support/factories.ts';
import { at, creditRule, event } from './support.ts';

const VIP = '1200000000000000077';
const NOW = new Date('2026-11-22T12:00:00.000Z');
const message = (actor: string, iso: string) => event('message_create', { actor_id: actor, occurred_at: iso });

describe('cairn backtest', () => {
  let database: TestDatabase;
  const count = async (table: string) => (await queryRows<{ n: number }>(database.db, sql.raw(`SELECT count(*)::int n FROM ${table}`)))[0]!.n;

  beforeAll(async () => {
    database = await createTestDatabase();
    await configure(database, {
      currencies: [{ key: 'xp', name: 'XP' }, { key: 'gold', name: 'Gold', spendable: true }],
      rules: [
        creditRule('chat', { amount: 10 }),
        { ...creditRule('vip_bonus', { amount: 5 }), trigger: { events: ['message_create'], roles: { any: [VIP] } } },
        { key: 'thanks', name: 'thanks', trigger: { events: ['reaction_add'] }, effects: [{ type: 'credit', to: 'target', currency: 'gold', amount: 1 }] },
      ],
    });
    await database.db.insert(members).values({ guildId: GUILD, userId: BOB, roles: [VIP] });
    const { pipeline } = enginePipeline(database);
    const base = '2026-11-21T10:00:00.000Z';
    await pipeline.ingestEvents(
      [
        message(ALICE, base), message(ALICE, at(base, 60)), message(BOB, at(base, 120)),
        event('reaction_add', { actor_id: CAROL, target_id: ALICE, occurred_at: at(base, 180) }),
        // Forty days ago: outside a 30-day window.
        message(CAROL, '2026-10-13T10:00:00.000Z'),
      ],
      'api',
    );
  });
  afterAll(async () => {
    await database.close();
  });

  it('prints the payout difference per currency and member, writing nothing to the guild', async () => {
    const before = { transactions: await count('transactions'), wallets: await count('wallets'), rules: await count('rules'), lake: await count('lake_events') };
    // Candidate: chat pays 12 instead of 10; a new rule pays 3 gold per message.
    const result = await backtest(database, GUILD, [creditRule('chat', { amount: 12 }), creditRule('chat_gold', { amount: 3, currency: 'gold' })], { days: 30, now: NOW });
    expect(result.events).toBe(4);
    expect(result.rules).toEqual({ added: ['chat_gold'], replaced: ['chat'] });
    expect(result.currencies).toEqual({
      gold: { live: 1, candidate: 1 + 9, difference: 9 }, // Alice's thanks, then 3 messages × 3
      xp: { live: 10 + 10 + 10 + 5, candidate: 12 + 12 + 12 + 5, difference: 6 }, // Bob's VIP bonus both times
    });
    expect(result.members).toEqual({
      [ALICE]: { gold: { live: 1, candidate: 7, difference: 6 }, xp: { live: 20, candidate: 24, difference: 4 } },
      [BOB]: { gold: { live: 0, candidate: 3, difference: 3 }, xp: { live: 15, candidate: 17, difference: 2 } },
    });
    expect(result.unchangedMembers).toBe(0);
    expect({ transactions: await count('transactions'), wallets: await count('wallets'), rules: await count('rules'), lake: await count('lake_events') }).toEqual(before);
  });

  it('replays a longer window when asked, and reports members paid the same', async () => {
    const result = await backtest(database, GUILD, [{ ...creditRule('vip_bonus', { amount: 5 }), trigger: { events: ['message_create'], roles: { any: [VIP] } } }], { days: 60, now: NOW, pageSize: 2 }); // three pages of recorded events
    expect(result.events).toBe(5);
    expect(result.members).toEqual({});
    expect(result.unchangedMembers).toBe(3); // Alice, Bob and Carol (her old message)
    expect(result.currencies.xp).toEqual({ live: 45, candidate: 45, difference: 0 });
  });

  it('refuses invalid candidate rules with the field path, and an unknown guild', async () => {
    await expect(backtest(database, GUILD, [{ key: 'chat', name: 'chat', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 'lots' }] }], { days: 30, now: NOW }))
      .rejects.toThrow(/rules\[\d+\]\.effects\[0\]\.amount/);
    await expect(backtest(database, GUILD, [{ name: 'no key' }], { days: 30, now: NOW })).rejects.toBeInstanceOf(BacktestError);
    await expect(backtest(database, '1160511689263940000', [], { days: 30, now: NOW })).rejects.toThrow('not known');
  });

  it('replays several candidates in one session (one scratch database), each paying what it pays alone, and a refused candidate leaves the session working', async () => {
    const runs = [
      { candidates: [creditRule('chat', { amount: 12 })], options: { days: 30, now: NOW } },
      { candidates: [creditRule('chat_gold', { amount: 3, currency: 'gold' })], options: { days: 30, now: NOW } },
      { candidates: [creditRule('chat', { amount: 7 })], options: { days: 60, now: NOW, pageSize: 2 } },
    ];
    const alone = [];
    for (const run of runs) alone.push(await backtest(database, GUILD, run.candidates, run.options));
    const session = new BacktestSession(database, GUILD);
    try {
      const shared = [await session.run(runs[0]!.candidates, runs[0]!.options)];
      await expect(session.run([{ name: 'no key' }], { days: 30, now: NOW })).rejects.toBeInstanceOf(BacktestError);
      await expect(session.run(runs[1]!.candidates, { days: 0, now: NOW })).rejects.toThrow(/days/);
      // Runs asked for together wait for each other.
      shared.push(...(await Promise.all(runs.slice(1).map((run) => session.run(run.candidates, run.options)))));
      expect(shared).toEqual(alone);
      expect(alone.map((r) => r.currencies.xp?.difference)).toEqual([6, 0, -12]); // 4 messages in 60 days, 3 less each
    } finally {
      await session.close();
    }
  });
});
