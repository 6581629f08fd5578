// Limits (cooldowns, rates, caps, by every scope) answer the same whatever the batches: a stream
// ingested in batches of any size, with the engine restarted between some of them (it then knows
// only what rule_firings holds), pays what the pure engine pays on the whole stream in one
// in-memory state, late events (earlier than the one before) included. XP has levels, and a
// level-up may pay through a chained rule with limits of its own; debits and transfers of Gold fail
// (undoing their rule) when a member holds too little. The history a batch loads is
// read per scope from stored firings (rules/history.ts): a scope read wrongly shows as a member
// paid more or less than the reference.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { evaluate } from '../../src/rules/engine.ts';
import { saveCurrency, saveRule } from '../../src/rules/repository.ts';
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
  // Mostly credits; a debit or transfer of Gold (no negative balances) fails when the member holds too
  // little, and the rule is then undone as a whole, its other effects and its firing too.
  effects: fc.array(
    fc.record({ type: fc.constantFrom('credit', 'credit', 'credit', 'debit', 'transfer'), to: fc.constantFrom('actor', 'target'), currency: fc.constantFrom('xp', 'gold'), amount: fc.integer({ min: 1, max: 5 }) }),
    { minLength: 1, maxLength: 2 },
  ),
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
    effects: r.effects.map((e) =>
      e.type === 'credit'
        ? { type: 'credit' as const, to: e.to, currency: e.currency, amount: e.amount }
        : e.type === 'debit'
          ? { type: 'debit' as const, from: e.to, currency: 'gold', amount: e.amount }
          : { type: 'transfer' as const, from: e.to === 'actor' ? ('target' as const) : ('actor' as const), to: e.to, currency: 'gold', amount: e.amount },
    ),
  };
}

/** Each member's non-zero balances, and levels above the first, as `member.currency` → value. */
async function stored(): Promise<{ balances: Record<string, number>; levels: Record<string, number> }> {
  const rows = await queryRows<{ user_id: string; key: string; balance: string | number; level: number | null }>(
    database.db,
    sql`SELECT w.user_id::text AS user_id, c.key, w.balance, w.level FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.guild_id = ${GUILD}`,
  );
  const balances: Record<string, number> = {};
  const levels: Record<string, number> = {};
  for (const r of rows) {
    if (Number(r.balance) !== 0) balances[`${r.user_id}.${r.key}`] = Number(r.balance);
    if (r.level !== null && r.level > 1) levels[`${r.user_id}.${r.key}`] = r.level;
  }
  return { balances, levels };
}

/** XP has levels (thresholds of lifetime XP), and a level-up may pay Gold: a chained event, limited too. */
const XP_LEVELS = { key: 'xp', name: 'XP', level_curve: { kind: 'table', thresholds: [4, 9, 15, 22, 30, 40], start_level: 1, max_levels_per_event: 1 } };
const levelUpRule = fc.option(
  fc.record({ amount: fc.integer({ min: 1, max: 5 }), limit: fc.option(limit.filter((l) => l.kind !== 'cap' || l.per === 'actor'), { nil: undefined }) }),
  { nil: undefined },
);

describe('limits across batches and restarts', () => {
  it('a stream pays the same in batches of any size, restarted anywhere, as in one pass of the pure engine', async () => {
    // Runs in which members levelled up, and in which the chained level-up rule paid.
    let levelled = 0;
    let chained = 0;
    let debited = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 3 }), levelUpRule, fc.array(step, { minLength: 6, maxLength: 30, size: 'max' }), async (rules, levelUp, steps) => {
        await resetDatabase(database);
        await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
        const xp = await saveCurrency(database.db, GUILD, XP_LEVELS, 'test');
        if (!xp.ok) throw new Error(JSON.stringify(xp.problems));
        const documents = rules.map(ruleDocument);
        if (levelUp) {
          documents.push({ key: 'level_up', name: 'level up', trigger: { events: ['level_up'] }, ...(levelUp.limit ? { limits: [levelUp.limit] as RuleInput['limits'] } : {}), effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: levelUp.amount }] });
        }
        let levelUpRuleId: number | undefined;
        for (const document of documents) {
          const saved = await saveRule(database.db, GUILD, document, 'test');
          if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
          if (document.key === 'level_up') levelUpRuleId = saved.value.id;
        }
        let seconds = 0;
        const events = steps.map((s) => {
          seconds += s.gap;
          return event(s.type, { actor_id: MEMBERS[s.actor]!, target_id: s.type === 'reaction_add' ? MEMBERS[s.target]! : null, channel_id: CHANNELS[s.channel]!, occurred_at: at(T0, seconds) });
        });

        // The reference: the whole stream, one in-memory state.
        const config = await new ConfigStore(database).get(GUILD);
        const state = new MemoryState(GUILD);
        const balances: Record<string, number> = {};
        const levels: Record<string, number> = {};
        let paidForLevel = false;
        let spent = false;
        const keyOf = new Map([...config.currencies.values()].map((c) => [c.id, c.key]));
        for (const e of events) {
          const { plan } = evaluate(config, state, e);
          for (const p of plan.postings) {
            balances[`${p.userId}.${p.currency}`] = (balances[`${p.userId}.${p.currency}`] ?? 0) + p.delta;
            if (p.ruleId === levelUpRuleId) paidForLevel = true;
            if (p.delta < 0) spent = true;
          }
          for (const l of plan.levels) levels[`${l.userId}.${keyOf.get(l.currencyId)}`] = l.level;
        }
        if (Object.keys(levels).length > 0) levelled++;
        if (paidForLevel) chained++;
        if (spent) debited++;

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
        expect(await stored()).toEqual({ balances: Object.fromEntries(Object.entries(balances).filter(([, v]) => v !== 0)), levels });
      }),
      { seed: Number(process.env.CAIRN_PROPERTY_SEED ?? 1717), numRuns: Number(process.env.CAIRN_PROPERTY_RUNS ?? 40), endOnFailure: true },
    );
    expect(levelled).toBeGreaterThan(0);
    expect(chained).toBeGreaterThan(0);
    expect(debited).toBeGreaterThan(0);
    console.log(`${levelled} runs with level-ups, ${chained} in which the level-up rule paid, ${debited} with debits or transfers`);
  }, 240_000);
});
