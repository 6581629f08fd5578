// Property: whatever sequence of credits, debits, awards, transfers, imports, rule firings and
// season rolls is thrown at the ledger near its limits, on a real database, every wallet equals
// the sum of its transactions and `cairn doctor` is clean. Fixed seed and a bounded count, so CI
// is repeatable; a failure prints the shrunk sequence.
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_BALANCE } from '../../src/config/ranges.ts';
import { queryRows } from '../../src/db/client.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { importBalances } from '../../src/ledger/balance-import.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { credit, debit, manualAward, transfer } from '../../src/ledger/ledger.ts';
import { rollSeason } from '../../src/ledger/seasons.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { ALICE, BOB, CAROL, GUILD, messageEvent, nextSourceId } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const MEMBERS = [ALICE, BOB, CAROL] as const;
const CURRENCIES = ['gold', 'karma'] as const; // karma allows negative balances and is seasonal

/** Amounts at and around every edge, and ordinary ones. */
const amount = fc.oneof(
  fc.constantFrom(1, MAX_AMOUNT - 1, MAX_AMOUNT, MAX_AMOUNT + 1, MAX_BALANCE, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1.5),
  fc.integer({ min: 1, max: 1000 }),
  fc.integer({ min: 1, max: MAX_AMOUNT }),
);
/** Balances an import may set: the limit, just below and beyond it. */
const level = fc.constantFrom(0, 7, MAX_AMOUNT, MAX_BALANCE - MAX_AMOUNT, MAX_BALANCE - 1, MAX_BALANCE, MAX_BALANCE + 1);
const member = fc.constantFrom(...MEMBERS);
const currency = fc.constantFrom(...CURRENCIES);

const operation = fc.oneof(
  fc.record({ op: fc.constant('credit' as const), member, currency, amount }),
  fc.record({ op: fc.constant('debit' as const), member, currency, amount }),
  fc.record({ op: fc.constant('award' as const), member, currency, amount, negative: fc.boolean() }),
  fc.record({ op: fc.constant('award_event' as const), member, currency, amount, negative: fc.boolean() }),
  fc.record({ op: fc.constant('transfer' as const), from: member, to: member, currency, amount }),
  fc.record({ op: fc.constant('import' as const), member, currency, value: level }),
  fc.record({ op: fc.constant('message' as const), member, length: fc.constantFrom(1, 1000, 500_000, 1_000_000) }),
  fc.record({ op: fc.constant('roll' as const) }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

describe('the ledger under hostile sequences near its limits', () => {
  it('keeps every wallet equal to its transactions, within its limits, with cairn doctor clean', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 25 }), async (operations) => {
        await resetDatabase(database);
        await configure(database, {
          currencies: [{ key: 'gold', name: 'Gold', spendable: true }, { key: 'karma', name: 'Karma', allow_negative: true, seasonal: true }],
          rules: [
            // Up to 2,000,000,000,000 per message: beyond the limit for long messages (a rule error).
            { key: 'per-char', name: 'per char', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: { '*': [{ var: 'event.data.length' }, 2_000_000] } }] },
            { key: 'karma', name: 'karma', trigger: { events: ['message_create'] }, effects: [{ type: 'debit', from: 'actor', currency: 'karma', amount: { '*': [{ var: 'event.data.length' }, 1_000_000] } }] },
          ],
        });
        const { pipeline } = enginePipeline(database);
        let boundary = Date.parse('2027-01-01T00:00:00Z');
        for (const o of operations) await apply(o, pipeline, () => new Date((boundary += 86_400_000)));
        expect(await checkLedger(database.db)).toEqual([]);
        const [sums] = await queryRows<{ off: string }>(
          database.db,
          sql`SELECT count(*)::text AS off FROM wallets w
              WHERE w.balance <> (SELECT COALESCE(sum(delta), 0) FROM transactions t WHERE t.guild_id = w.guild_id AND t.user_id = w.user_id AND t.currency_id = w.currency_id)`,
        );
        expect(sums!.off).toBe('0');
      }),
      { seed: 1313, numRuns: Number(process.env.CAIRN_PROPERTY_RUNS ?? 12), endOnFailure: true },
    );
  });
});

async function apply(o: Operation, pipeline: ReturnType<typeof enginePipeline>['pipeline'], nextDay: () => Date): Promise<void> {
  const db = database.db;
  switch (o.op) {
    case 'credit':
      return void (await credit(db, { guildId: GUILD, userId: o.member, currency: o.currency, amount: o.amount }));
    case 'debit':
      return void (await debit(db, { guildId: GUILD, userId: o.member, currency: o.currency, amount: o.amount }));
    case 'award':
      return void (await manualAward(db, { guildId: GUILD, userId: o.member, currency: o.currency, amount: o.negative ? -o.amount : o.amount, awardedBy: ALICE }));
    case 'award_event': {
      const event = { source_id: nextSourceId(), type: 'manual_award', guild_id: GUILD, actor_id: ALICE, target_id: o.member, channel_id: null, occurred_at: '2026-11-22T10:00:00.000Z', data: { currency: o.currency, amount: o.negative ? -o.amount : o.amount } };
      return void (await pipeline.ingest([event], { origin: 'api' }));
    }
    case 'transfer':
      return void (await transfer(db, { guildId: GUILD, fromUserId: o.from, toUserId: o.to, currency: o.currency, amount: o.amount }));
    case 'import':
      return void (await importBalances(db, GUILD, o.currency, { rows: o.value <= MAX_BALANCE ? [{ line: 2, userId: o.member, amount: o.value }] : [], invalid: [] }, { dryRun: false, actor: 'test' }));
    case 'message':
      return void (await pipeline.ingestEvents([messageEvent({ actor_id: o.member, data: { length: o.length } }) as LakeEvent], 'api'));
    case 'roll':
      return void (await rollSeason(db, GUILD, { boundary: nextDay() }));
  }
}
