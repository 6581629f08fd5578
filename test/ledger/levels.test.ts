import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { outbox } from '../../src/db/schema.ts';
import { levelForTotal, LevelCurveSchema, thresholdFor } from '../../src/ledger/currency.ts';
import { saveCurrency } from '../../src/rules/repository.ts';
import { at, event } from '../rules/support.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { ALICE, GUILD } from '../support/factories.ts';

describe('level curves', () => {
  it('exponential: trunc(base × factor^level) to leave a level', () => {
    const curve = LevelCurveSchema.parse({ kind: 'exponential', base: 100, factor: 1.25 });
    expect([1, 2, 3, 4].map((l) => thresholdFor(curve, l))).toEqual([125, 156, 195, 244]);
  });

  it('polynomial like the big leveling bots: 5·L² + 50·L + 100 per level, cumulative', () => {
    const curve = LevelCurveSchema.parse({ kind: 'polynomial', coefficients: [100, 50, 5] });
    expect([0, 1, 2].map((l) => thresholdFor(curve, l))).toEqual([100, 100 + 155, 100 + 155 + 220]);
    expect(levelForTotal(curve, 254)).toBe(1);
    expect(levelForTotal(curve, 255)).toBe(2);
  });

  it('an explicit table, with no levels past its end', () => {
    const curve = LevelCurveSchema.parse({ kind: 'table', thresholds: [10, 50, 200], start_level: 0 });
    expect(levelForTotal(curve, 49)).toBe(1);
    expect(levelForTotal(curve, 10_000)).toBe(3);
  });
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

const XP_RULE = { key: 'xp', name: 'xp', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 60 }] };
const curve = (mode: 'stack' | 'replace') => ({
  kind: 'table' as const, thresholds: [50, 100, 150], start_level: 0, max_levels_per_event: 5,
  rewards: [{ level: 1, role: '501' }, { level: 2, role: '502' }], rewards_mode: mode,
});
const roleRows = async () => (await database.db.select().from(outbox).orderBy(outbox.id)).map((r) => `${r.kind} ${String(r.payload.role_id)}`);

describe('level role rewards', () => {
  it('stack: every reward reached is kept', async () => {
    await configure(database, { currencies: [{ key: 'xp', name: 'XP', level_curve: curve('stack') }], rules: [XP_RULE] });
    await enginePipeline(database).pipeline.ingestEvents([event('message_create'), event('message_create', { occurred_at: at('2026-11-22T10:00:00.000Z', 1) })], 'api');
    expect(await roleRows()).toEqual(['role_add 501', 'role_add 502']);
  });

  it('replace: only the highest reward reached is held', async () => {
    await configure(database, { currencies: [{ key: 'xp', name: 'XP', level_curve: curve('replace') }], rules: [XP_RULE] });
    await enginePipeline(database).pipeline.ingestEvents([event('message_create'), event('message_create', { occurred_at: at('2026-11-22T10:00:00.000Z', 1) })], 'api');
    expect(await roleRows()).toEqual(['role_add 501', 'role_remove 501', 'role_add 502']);
  });

  it('re-syncs levels and reward roles when the curve changes', async () => {
    await configure(database, { currencies: [{ key: 'xp', name: 'XP', level_curve: curve('stack') }], rules: [XP_RULE] });
    await enginePipeline(database).pipeline.ingestEvents([event('message_create'), event('message_create', { occurred_at: at('2026-11-22T10:00:00.000Z', 1) })], 'api');
    await database.db.execute(sql`INSERT INTO members (guild_id, user_id, roles) VALUES (${GUILD}, ${ALICE}, '{"501","502"}')`);
    await database.db.delete(outbox);
    // Harder curve: 120 XP is now level 1 only; the level 2 role must go.
    const saved = await saveCurrency(database.db, GUILD, { key: 'xp', name: 'XP', level_curve: { ...curve('stack'), thresholds: [100, 500, 1000] } }, 'test');
    expect(saved.ok).toBe(true);
    const [wallet] = await queryRows<{ level: number }>(database.db, sql`SELECT level FROM wallets WHERE user_id = ${ALICE}`);
    expect(wallet!.level).toBe(1);
    expect(await roleRows()).toEqual(['role_remove 502']);
  });
});
