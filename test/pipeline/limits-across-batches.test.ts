// Limits (cooldowns, rates, caps, by every scope) answer the same whatever the batches: a stream
// ingested in batches of any size, with the engine restarted between some of them (it then knows
// only what rule_firings holds), pays what the pure engine pays on the whole stream in one
// in-memory state, late events (earlier than the one before) included. The history a batch loads is read per scope from stored firings (rules/history.ts);
// a scope read wrongly shows as a member paid more or less than the reference.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { evaluate } from '../../src/rules/engine.ts';
import { saveRule } from '../../src/rules/repository.ts';
import type { RuleInput } from '../../src/rules/schema.ts';
import { MemoryState } from '../../src/rules/state.ts';
import { at, event } from '../rules/support.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const MEMBERS = [ALICE, BOB, CAROL];
const CHANNELS = ['1111111111111111111', '1111111111111111112'];
const T0 = '2026-11-22T23:50:00.000Z'; // streams cross midnight: caps per day start again

const actorScope = fc.constantFrom('actor', 'actor_channel', 'actor_target', 'guild');
const limit = fc.oneof(
  fc.record({ kind: fc.constant('cooldown'), seconds: fc.integer({ min: 1, max: 240 }), per: actorScope }),
  fc.record({ kind: fc.constant('rate'), max: fc.integer({ min: 1, max: 3 }), window_seconds: fc.integer({ min: 1, max: 600 }), per: actorScope }),
  // Caps twice as often: two scopes, two periods and amounts that add up.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cap'), currency: fc.constantFrom('xp', 'gold'), max: fc.integer({ min: 1, max: 12 }), period: fc.constantFrom('day', 'week'), per: fc.constantFrom('actor', 'target') }) },
);
const rule = fc.record({
  type: fc.constantFrom('message_create', 'reaction_add'),
  limits: fc.array(limit, { minLength: 1, maxLength: 2 }),
  effects: fc.array(fc.record({ to: fc.constantFrom('actor', 'target'), currency: fc.constantFrom('xp', 'gold'), amount: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 2 }),
});
const step = fc.record({
  // Mostly reactions: they have the two members (actor and target) the scopes tell apart.
  type: fc.constantFrom('message_create', 'reaction_add', 'reaction_add'),
  actor: fc.integer({ min: 0, max: 2 }),
  target: fc.integer({ min: 0, max: 2 }),
  channel: fc.integer({ min: 0, max: 1 }),
  /** Seconds after the previous event; negative: a late event. */
  gap: fc.integer({ min: -150, max: 200 }),
  /** Whether a batch ends after this event, and whether the engine restarts before the next. */
  cut: fc.constantFrom('none', 'none', 'batch', 'restart'),
});

type RuleSpec = typeof rule extends fc.Arbitrary<infer T> ? T : never;

function ruleDocument(r: RuleSpec, i: number): RuleInput {
  return {
    key: `r${i}`,
    name: `r${i}`,
    trigger: { events: [r.type] },
    limits: r.limits as RuleInput['limits'],
    effects: r.effects.map((e) => ({ type: 'credit' as const, to: e.to, currency: e.currency, amount: e.amount })),
  };
}

async function balances(): Promise<Record<string, number>> {
  const rows = await queryRows<{ user_id: string; key: string; balance: string | number }>(
    database.db,
    sql`SELECT w.user_id::text AS user_id, c.key, w.balance FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.guild_id = ${GUILD}`,
  );
  const out: Record<string, number> = {};
  for (const r of rows) if (Number(r.balance) !== 0) out[`${r.user_id}.${r.key}`] = Number(r.balance);
  return out;
}

describe('limits across batches and restarts', () => {
  it('a stream pays the same in batches of any size, restarted anywhere, as in one pass of the pure engine', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 3 }), fc.array(step, { minLength: 6, maxLength: 30, size: 'max' }), async (rules, steps) => {
        await resetDatabase(database);
        await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
        for (const [i, r] of rules.entries()) {
          const saved = await saveRule(database.db, GUILD, ruleDocument(r, i), 'test');
          if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
        }
        let seconds = 0;
        const events = steps.map((s) => {
          seconds += s.gap;
          return event(s.type, { actor_id: MEMBERS[s.actor]!, target_id: s.type === 'reaction_add' ? MEMBERS[s.target]! : null, channel_id: CHANNELS[s.channel]!, occurred_at: at(T0, seconds) });
        });

        // The reference: the whole stream, one in-memory state.
        const config = await new ConfigStore(database).get(GUILD);
        const state = new MemoryState(GUILD);
        const expected: Record<string, number> = {};
        for (const e of events) {
          for (const p of evaluate(config, state, e).plan.postings) expected[`${p.userId}.${p.currency}`] = (expected[`${p.userId}.${p.currency}`] ?? 0) + p.delta;
        }

        // The pipeline: batches cut where the steps say, a fresh engine after each restart.
        let pipeline = new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database))]);
        let batch: LakeEvent[] = [];
        for (const [i, s] of steps.entries()) {
          batch.push(events[i]!);
          if (s.cut === 'none' && i < steps.length - 1) continue;
          await pipeline.ingestEvents(batch, 'api');
          batch = [];
          if (s.cut === 'restart') pipeline = new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database))]);
        }
        expect(await balances()).toEqual(Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== 0)));
      }),
      { seed: Number(process.env.CAIRN_PROPERTY_SEED ?? 1717), numRuns: Number(process.env.CAIRN_PROPERTY_RUNS ?? 40), endOnFailure: true },
    );
  }, 240_000);
});
