// Migration from leveling bots: leaderboard exports set into a currency, reported first, idempotent.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { auditLog, transactions } from '../../src/db/schema.ts';
import { importBalances, parseBalances } from '../../src/ledger/balance-import.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure } from '../support/engine.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await configure(database, { currencies: [{ key: 'xp', name: 'XP', level_curve: { kind: 'polynomial', coefficients: [100, 50, 5] } }] });
});

const CSV = `user_id,username,xp,level\n${ALICE},alice,1200,\n${BOB},bob,90,0\n12,too-short-is-fine,5,\nnot-an-id,x,5,\n${ALICE},dup,3,\n`;
const balances = async () => Object.fromEntries((await queryRows<{ u: string; b: string; l: number | null }>(database.db, sql`SELECT user_id::text u, balance::text b, level l FROM wallets ORDER BY 1`)).map((r) => [r.u, [Number(r.b), r.l]]));

describe('balance import', () => {
  it('parses CSV and MEE6-style JSON, reporting bad lines by number', () => {
    const csv = parseBalances(CSV, 'csv');
    expect(csv.rows.map((r) => [r.userId, r.amount, r.level])).toEqual([[ALICE, 1200, undefined], [BOB, 90, 0], ['12', 5, undefined]]);
    expect(csv.invalid.map((i) => i.line)).toEqual([5, 6]);
    const json = parseBalances(JSON.stringify({ players: [{ id: ALICE, xp: 10, level: 0 }, { id: Number(BOB), xp: 1 }] }), 'json');
    expect(json.rows).toEqual([{ line: 1, userId: ALICE, amount: 10, level: 0 }]);
    expect(json.invalid[0]!.reason).toContain('is a number');
    expect(parseBalances('{', 'json').invalid[0]!.reason).toContain('cannot read the JSON');
  });

  it('reports first (dry run), then sets balances and levels once, with an audit trail', async () => {
    const parsed = parseBalances(CSV, 'csv');
    const dry = await importBalances(database.db, GUILD, 'xp', parsed, { dryRun: true, actor: 'admin' });
    expect(dry).toMatchObject({ ok: true, report: { dryRun: true, members: 3, changed: 3, net: 1295 } });
    expect(await balances()).toEqual({});
    const applied = await importBalances(database.db, GUILD, 'xp', parsed, { dryRun: false, actor: 'admin', source: 'mee6.csv' });
    expect(applied).toMatchObject({ ok: true, report: { changed: 3 } });
    // 1200 XP on 5L²+50L+100 (100, 255, 475, 770, 1170, …) is level 5; Bob's file says level 0.
    expect(await balances()).toEqual({ '12': [5, 0], [ALICE]: [1200, 5], [BOB]: [90, 0] });
    const again = await importBalances(database.db, GUILD, 'xp', parsed, { dryRun: false, actor: 'admin' });
    expect(again).toMatchObject({ ok: true, report: { changed: 0, unchanged: 3 } });
    expect(await database.db.select().from(transactions).where(eq(transactions.source, 'import'))).toHaveLength(3);
    expect((await database.db.select().from(auditLog).where(eq(auditLog.action, 'balances.import'))).length).toBe(1);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('lowers a balance when the file says less, and refuses an unknown currency', async () => {
    await importBalances(database.db, GUILD, 'xp', parseBalances(`id,xp\n${ALICE},500\n`, 'csv'), { dryRun: false, actor: 'a' });
    await importBalances(database.db, GUILD, 'xp', parseBalances(`id,xp\n${ALICE},200\n`, 'csv'), { dryRun: false, actor: 'a' });
    expect((await balances())[ALICE]).toEqual([200, 1]);
    expect(await checkLedger(database.db)).toEqual([]);
    expect(await importBalances(database.db, GUILD, 'gems', parseBalances(`id,xp\n${ALICE},1\n`, 'csv'), { dryRun: true, actor: 'a' })).toMatchObject({ ok: false, code: 'unknown_currency' });
  });
});
