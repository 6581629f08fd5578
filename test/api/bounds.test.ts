// Issue 13, section 2: every number has a bound, and money is exact — through the real API.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_BALANCE } from '../../src/config/ranges.ts';
import { queryRows } from '../../src/db/client.ts';
import { lakeEvents, transactions, wallets } from '../../src/db/schema.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { importBalances } from '../../src/ledger/balance-import.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, messageEvent, nextSourceId, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
  // Loaded now, outside any transaction (a reload racing an in-transaction load can wait on itself on PGlite).
  await api.services.configs.reload(GUILD);
});

async function call(method: string, path: string, body?: unknown) {
  const res = await api.request(`/api/guilds/${GUILD}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
}

const rule = (key: string, effects: unknown[], extra: Record<string, unknown> = {}) => ({ name: key, trigger: { events: ['message_create'] }, effects, ...extra });
const credit = (amount: unknown, currency = 'xp') => ({ type: 'credit', to: 'actor', currency, amount });
const award = (userId: string, amount: number) => call('POST', `/members/${userId}/award`, { currency: 'gold', amount });
const ingest = (events: unknown) => api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: events });

async function balance(userId: string, currency: string): Promise<number | undefined> {
  const [row] = await queryRows<{ balance: string }>(database.db, sql`SELECT w.balance::text FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.user_id = ${userId} AND c.key = ${currency}`);
  return row ? Number(row.balance) : undefined;
}

/** Stores a rule document as an older version (or a hand edit) could have, bypassing validation. */
async function storeRaw(key: string, document: Record<string, unknown>) {
  await database.db.execute(sql`UPDATE rules SET document = ${JSON.stringify({ key, ...document })}::jsonb WHERE guild_id = ${GUILD} AND key = ${key}`);
  await api.services.configs.reload(GUILD);
}

describe('a rule crediting 1e20 (or the panel\'s 99999999999999999999999)', () => {
  it('is refused at save with the field path and a plain message', async () => {
    for (const amount of [1e20, JSON.parse('99999999999999999999999') as number]) {
      const res = await call('PUT', '/rules/huge', rule('huge', [credit(amount)]));
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'effects[0].amount', message: 'must be at most 1,000,000,000,000' })]);
    }
  });

  it('a negative credit is refused at save, suggesting a debit', async () => {
    const res = await call('PUT', '/rules/minus', rule('minus', [credit(-5)]));
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ path: 'effects[0].amount', message: 'must be positive: to take currency away, use a debit effect' });
  });

  it('an expression that already exceeds the limit on a sample event is refused at save', async () => {
    const res = await call('PUT', '/rules/calc', rule('calc', [credit({ '*': [1e10, 1e10] })]));
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ path: 'effects[0].amount', message: expect.stringContaining('must stay within 1,000,000,000,000') });
  });

  it('if already stored, matching events are accepted (never a 500), the rule does not run and the others do', async () => {
    expect((await call('PUT', '/rules/huge', rule('huge', [credit(10)]))).status).toBe(200);
    expect((await call('PUT', '/rules/fine', rule('fine', [credit(3, 'gold')]))).status).toBe(200);
    await storeRaw('huge', rule('huge', [credit(1e20)]));
    const res = await ingest([messageEvent(), messageEvent()]);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ accepted: 2, rejected: [] });
    expect(await balance(ALICE, 'xp')).toBe(0);
    expect(await balance(ALICE, 'gold')).toBe(6);
    const dry = await json(await api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', json: { event: messageEvent() } }));
    expect(dry.invalid_rules).toEqual([expect.objectContaining({ rule: 'huge', path: 'effects[0].amount', message: 'must be at most 1,000,000,000,000' })]);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('an amount computed beyond the limit at run time skips the rule with a rule error; the event and the other rules commit', async () => {
    expect((await call('PUT', '/rules/per-char', rule('per-char', [credit(1, 'gold'), credit({ '*': [{ var: 'event.data.length' }, 1e9] })], { priority: 2 }))).status).toBe(200);
    expect((await call('PUT', '/rules/fine', rule('fine', [credit(3)]))).status).toBe(200);
    const res = await ingest(messageEvent({ data: { length: 5000 } }));
    expect(await json(res)).toMatchObject({ accepted: 1, rejected: [] });
    // The rule's own earlier credit of gold is undone with it.
    expect(await balance(ALICE, 'gold')).toBe(0);
    expect(await balance(ALICE, 'xp')).toBe(3);
    expect(api.services.engine.recentErrors.at(-1)).toMatchObject({ rule: 'per-char', message: expect.stringContaining('5,000,000,000,000 is more than 1,000,000,000,000') });
    const dry = await json(await api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', json: { event: messageEvent({ data: { length: 5000 } }) } }));
    const traced = dry.rules.find((r: { rule: string }) => r.rule === 'per-char');
    expect(traced).toMatchObject({ fired: false, error: expect.stringContaining('the most one posting may move') });
    expect(traced.effects.at(-1)).toMatchObject({ status: 'failed', value: 5e12 });
    expect(dry.errors).toEqual([expect.objectContaining({ rule: 'per-char' })]);
    expect(await checkLedger(database.db)).toEqual([]);
  });
});

describe('a cooldown of 1e300 seconds', () => {
  it('is refused at save, as are other windows and counts beyond their range', async () => {
    const res = await call('PUT', '/rules/cool', rule('cool', [credit(1)], { limits: [{ kind: 'cooldown', seconds: 1e300 }, { kind: 'rate', max: 1e12, window_seconds: 60 }, { kind: 'cap', currency: 'xp', max: 1e13, period: 'day' }] }));
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { path: 'limits[0].seconds', message: 'must be at most 31,622,400' },
      { path: 'limits[1].max', message: 'must be at most 1,000,000' },
      { path: 'limits[2].max', message: 'must be at most 1,000,000,000,000' },
    ]);
  });

  it('if already stored, messages are accepted and never a 500', async () => {
    expect((await call('PUT', '/rules/cool', rule('cool', [credit(1)], { limits: [{ kind: 'cooldown', seconds: 60 }] }))).status).toBe(200);
    await storeRaw('cool', rule('cool', [credit(1)], { limits: [{ kind: 'cooldown', seconds: 1e300 }] }));
    const res = await ingest(messageEvent());
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ accepted: 1 });
  });
});

describe('shop stock and order, milestone numbers, event data', () => {
  it('shop stock and order of ±3e9 are refused with their paths', async () => {
    for (const [field, value, message] of [['stock', 3e9, 'must be at most 1,000,000,000'], ['stock', -3e9, 'must be at least 0'], ['order', 3e9, 'must be at most 1,000,000'], ['order', -3e9, 'must be at least -1,000,000'], ['price', 1e13, 'must be at most 1,000,000,000,000']] as const) {
      const res = await call('PUT', '/shop/badge', { name: 'Badge', currency: 'gold', price: 10, [field]: value });
      expect(res.status, `${field} ${value}`).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: field, message })]);
    }
    expect((await call('PUT', '/shop/badge', { name: 'Badge', currency: 'gold', price: 10, stock: 1_000_000_000, order: -1_000_000 })).status).toBe(200);
  });

  it('milestone thresholds, counts, days and levels are bounded', async () => {
    const res = await call('PUT', '/milestones/rich', { name: 'Rich', requirement: { type: 'all', of: [{ type: 'lifetime', currency: 'xp', min: 1e20 }, { type: 'streak', days: 1e9 }, { type: 'level', currency: 'xp', min: 3e9 }, { type: 'event_count', events: ['message_create'], min: 1e300 }] }, order: 3e9 });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['requirement.of[0].min', 'requirement.of[1].days', 'requirement.of[2].min', 'requirement.of[3].min', 'order']);
    expect(res.body.error.details[0].message).toBe('must be at most 1,000,000,000,000,000');
  });

  it('minutes_present of 1e19 and other out-of-range event numbers are rejected per event with the field path', async () => {
    const base = { guild_id: GUILD, actor_id: ALICE, target_id: null, channel_id: null, occurred_at: '2026-11-22T10:00:00.000Z' };
    const res = await ingest([
      { ...base, source_id: nextSourceId(), type: 'scheduled_event_attend', data: { scheduled_event_id: '1300000000000000001', minutes_present: 1e19 } },
      { ...base, source_id: nextSourceId(), type: 'voice_session_end', data: { duration_seconds: 1e12 } },
      { ...base, source_id: nextSourceId(), type: 'message_create', data: { length: 1e15 } },
      { ...base, source_id: nextSourceId(), type: 'reaction_add', target_id: BOB, data: { emoji: '👍', message_id: '1300000000000000001', message_age_seconds: 1e19 } },
      { ...base, source_id: nextSourceId(), type: 'manual_award', target_id: BOB, data: { currency: 'gold', amount: 9007199254740991 } },
      { ...base, source_id: nextSourceId(), type: 'scheduled_event_attend', data: { scheduled_event_id: '1300000000000000001', minutes_present: 90.5 } },
    ]);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number; errors: { path: string }[] }) => [r.index, r.errors.map((e) => e.path)])).toEqual([
      [0, ['data.minutes_present']],
      [1, ['data.duration_seconds']],
      [2, ['data.length']],
      [3, ['data.message_age_seconds']],
      [4, ['data.amount']],
    ]);
    expect(body.rejected[0].errors[0].message).toBe('must be at most 527,040');
  });
});

describe('recipes', () => {
  it('a recipe with out-of-range numbers is refused with the paths, and nothing is imported', async () => {
    const recipe = {
      cairn_recipe: 1, key: 'greedy', name: 'Greedy', version: '1.0.0',
      currencies: [{ key: 'coins', name: 'Coins' }],
      rules: [{ key: 'rich', name: 'Rich', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'coins', amount: 1e20 }], limits: [{ kind: 'cooldown', seconds: 1e300 }] }],
      shop: [{ key: 'vault', name: 'Vault', currency: 'coins', price: 10, stock: 3e9 }],
    };
    const res = await call('POST', '/presets/import', { recipe });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: expect.stringMatching(/rules\[0\]\.effects\[0\]\.amount$/), message: 'must be at most 1,000,000,000,000' }),
      expect.objectContaining({ path: expect.stringMatching(/rules\[0\]\.limits\[0\]\.seconds$/), message: 'must be at most 31,622,400' }),
      expect.objectContaining({ path: expect.stringMatching(/shop\[0\]\.stock$/), message: 'must be at most 1,000,000,000' }),
    ]));
    expect((await call('GET', '/currencies')).body.map((c: { key: string }) => c.key)).not.toContain('coins');
  });
});

describe('three awards of 9007199254740991 gold, then +3 twice', () => {
  it('refuses the awards with a plain message and keeps the wallet equal to its transactions', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await award(BOB, 9007199254740991);
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'amount', message: 'must be at most 1,000,000,000,000' })]);
    }
    expect((await award(BOB, 3)).body).toMatchObject({ balance: 3 });
    expect((await award(BOB, 3)).body).toMatchObject({ balance: 6 });
    expect(await balance(BOB, 'gold')).toBe(6);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('an award that would pass the balance limit is refused and writes no transaction', async () => {
    const imported = await importBalances(database.db, GUILD, 'gold', { rows: [{ line: 2, userId: BOB, amount: MAX_BALANCE - 5 }], invalid: [] }, { dryRun: false, actor: 'test' });
    expect(imported.ok).toBe(true);
    const res = await award(BOB, 10);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([{ path: 'amount', message: 'the balance would be 1,000,000,000,000,005, beyond the limit of ±1,000,000,000,000,000' }]);
    expect(await balance(BOB, 'gold')).toBe(MAX_BALANCE - 5);
    expect(await database.db.select().from(transactions)).toHaveLength(1);
    expect((await award(BOB, 5)).body).toMatchObject({ balance: MAX_BALANCE });
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('a wallet stored beyond exact range (by an older version) is flagged, never rounded: postings to it are refused', async () => {
    const [gold] = await queryRows<{ id: number }>(database.db, sql`SELECT id FROM currencies WHERE key = 'gold'`);
    await database.db.insert(wallets).values({ guildId: GUILD, userId: BOB, currencyId: gold!.id, balance: 0 });
    await database.db.execute(sql`UPDATE wallets SET balance = 27021597764222980 WHERE user_id = ${BOB}`);
    expect((await checkLedger(database.db)).map((v) => v.invariant).sort()).toEqual(['balance_equals_sum', 'within_limits']);
    expect((await call('PUT', '/rules/gift', { name: 'gift', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 1 }] })).status).toBe(200);
    const res = await ingest(messageEvent({ actor_id: BOB }));
    expect(await json(res)).toMatchObject({ accepted: 1 });
    expect(api.services.engine.recentErrors.at(-1)).toMatchObject({ rule: 'gift', message: expect.stringContaining('cannot be counted exactly') });
    expect((await award(BOB, 1)).status).toBe(409);
    const [stored] = await queryRows<{ balance: string }>(database.db, sql`SELECT balance::text FROM wallets WHERE user_id = ${BOB}`);
    expect(stored!.balance).toBe('27021597764222980');
    expect(await database.db.select().from(transactions)).toHaveLength(0);
    expect(await database.db.select().from(lakeEvents)).not.toHaveLength(0);
    expect(MAX_AMOUNT).toBe(1e12);
  });
});
