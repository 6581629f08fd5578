// The engine inside the event's transaction: rules applied exactly once, limits that survive a
// restart, atomic failure, bad rules refused at save time.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lakeEvents, outbox, ruleFirings, rules, ruleVersions, transactions, wallets } from '../../src/db/schema.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveCurrency, saveRule, saveZone } from '../../src/rules/repository.ts';
import { at, creditRule, event } from '../rules/support.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
});

/** A fresh engine, as after a restart: no memory of earlier batches. */
function freshPipeline(hooks = {}) {
  return new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database))], hooks);
}

async function save(document: unknown) {
  const result = await saveRule(database.db, GUILD, document, 'test');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

const balance = async (user: string) => {
  const rows = await database.db.select().from(wallets).where(eq(wallets.userId, user));
  return rows.reduce((sum, w) => sum + w.balance, 0);
};

describe('the engine in the event transaction', () => {
  it('applies a rule to an ingested event, recording the transaction with its rule, version and event', async () => {
    const rule = await save(creditRule('xp', { amount: 15 }));
    const pipeline = freshPipeline();
    await pipeline.ingestEvents([event('message_create')], 'api');
    const [tx] = await database.db.select().from(transactions);
    expect(tx).toMatchObject({ userId: ALICE, delta: 15, balanceAfter: 15, source: 'rule', ruleId: rule.id, ruleVersion: 1 });
    const [lake] = await database.db.select().from(lakeEvents);
    expect(tx!.lakeEventId).toBe(lake!.id);
    // A firing that moved the ledger is recorded by its transaction, not again in rule_firings.
    expect(await database.db.select().from(ruleFirings)).toHaveLength(0);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('records firings of rules with limits, and of rules that moved nothing on the ledger', async () => {
    const limited = await save(creditRule('limited', { amount: 1, limits: [{ kind: 'cooldown', seconds: 5 }] }));
    const announce = await save({ key: 'announce', name: 'announce', trigger: { events: ['message_create'] }, effects: [{ type: 'message', channel: '600', template: 'hi' }] });
    await freshPipeline().ingestEvents([event('message_create')], 'api');
    const firings = await database.db.select().from(ruleFirings);
    expect(firings.map((f) => f.ruleId).sort()).toEqual([limited.id, announce.id].sort());
  });

  it('replaying an event (duplicate source id) never fires a rule twice', async () => {
    await save(creditRule('xp', { amount: 15 }));
    const e = event('message_create');
    await freshPipeline().ingestEvents([e], 'api');
    await freshPipeline().ingestEvents([e, e], 'gateway');
    await Promise.all(Array.from({ length: 10 }, () => freshPipeline().ingestEvents([e], 'gateway')));
    expect(await balance(ALICE)).toBe(15);
    expect(await database.db.select().from(transactions)).toHaveLength(1);
  });

  it('a cooldown started before a restart still holds after it', async () => {
    await save(creditRule('xp', { amount: 10, limits: [{ kind: 'cooldown', seconds: 60, per: 'actor' }] }));
    const t0 = '2026-11-22T10:00:00.000Z';
    await freshPipeline().ingestEvents([event('message_create', { occurred_at: t0 })], 'api');
    // "Restart": a new config store and engine with no memory of the first firing.
    await freshPipeline().ingestEvents([event('message_create', { occurred_at: at(t0, 30) })], 'api');
    expect(await balance(ALICE)).toBe(10);
    await freshPipeline().ingestEvents([event('message_create', { occurred_at: at(t0, 61) })], 'api');
    expect(await balance(ALICE)).toBe(20);
  });

  it('rate and cap limits are answered from stored firings across batches', async () => {
    await save({ ...creditRule('pair'), trigger: { events: ['reaction_add'] }, limits: [{ kind: 'rate', max: 2, window_seconds: 3600, per: 'actor_target' }], effects: [{ type: 'credit', to: 'target', currency: 'xp', amount: 1 }] });
    await save(creditRule('capped', { amount: 30, limits: [{ kind: 'cap', currency: 'xp', max: 50, period: 'day' }] }));
    for (let i = 0; i < 3; i++) {
      await freshPipeline().ingestEvents([event('reaction_add', { occurred_at: at('2026-11-22T10:00:00.000Z', i) })], 'api');
      await freshPipeline().ingestEvents([event('message_create', { occurred_at: at('2026-11-22T10:00:00.000Z', i) })], 'api');
    }
    expect(await balance(BOB)).toBe(2);
    expect(await balance(ALICE)).toBe(50);
  });

  it('a cap per target counts every credit the target received across batches, also from the batch\'s own actor', async () => {
    // Each member receives at most 3 XP a day from reactions, whoever reacts: Alice's earlier
    // reactions to Bob count when Alice reacts to him again, as Carol's do.
    await save({ ...creditRule('received'), trigger: { events: ['reaction_add'] }, limits: [{ kind: 'cap', currency: 'xp', max: 3, period: 'day', per: 'target' }], effects: [{ type: 'credit', to: 'target', currency: 'xp', amount: 1 }] });
    const t0 = '2026-11-22T10:00:00.000Z';
    for (const [i, actor] of [ALICE, ALICE, CAROL, ALICE, CAROL].entries()) {
      await freshPipeline().ingestEvents([event('reaction_add', { actor_id: actor, target_id: BOB, occurred_at: at(t0, i) })], 'api');
    }
    expect(await balance(BOB)).toBe(3);
    // In one batch with Bob as an actor too (he is then among the batch's members twice over).
    await freshPipeline().ingestEvents([event('reaction_add', { actor_id: BOB, target_id: ALICE, occurred_at: at(t0, 10) }), event('reaction_add', { actor_id: ALICE, target_id: BOB, occurred_at: at(t0, 11) })], 'api');
    expect(await balance(BOB)).toBe(3);
    expect(await balance(ALICE)).toBe(1);
  });

  it('a failure during apply leaves no partial writes', async () => {
    await save(creditRule('xp', { amount: 15 }));
    const e = event('message_create');
    // A stage after the engine fails: the lake row, ledger rows and firings all roll back.
    const broken = new IngestPipeline(database, [
      new EngineProcessor(new ConfigStore(database)),
      { process: async () => { throw new Error('injected failure after the engine wrote'); } },
    ]);
    await expect(broken.ingestEvents([e], 'api', { atomic: true })).rejects.toThrow('injected failure');
    expect(await database.db.select().from(lakeEvents)).toHaveLength(0);
    // Outside a request the failure is contained: the event is set aside, and still nothing is written.
    expect((await broken.ingestEvents([e], 'gateway')).failed).toEqual([{ index: 0, message: 'injected failure after the engine wrote' }]);
    expect(await database.db.select().from(lakeEvents)).toHaveLength(0);
    expect(await database.db.select().from(transactions)).toHaveLength(0);
    expect(await database.db.select().from(ruleFirings)).toHaveLength(0);
    expect(await balance(ALICE)).toBe(0);
    await freshPipeline().ingestEvents([e], 'api');
    expect(await balance(ALICE)).toBe(15);
  });

  it('writes Discord side effects to the outbox in the same transaction', async () => {
    await save({ key: 'welcome', name: 'welcome', trigger: { events: ['member_join'] }, effects: [{ type: 'role_add', to: 'actor', role: '500' }, { type: 'message', channel: '600', template: 'Welcome {{actor.mention}}' }] });
    await freshPipeline().ingestEvents([event('member_join', { data: {} })], 'gateway');
    const rows = await database.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((r) => [r.kind, r.status, r.payload])).toEqual([
      ['role_add', 'pending', { user_id: ALICE, role_id: '500', reason: 'welcome' }],
      ['message', 'pending', { channel_id: '600', content: `Welcome <@${ALICE}>` }],
    ]);
  });

  it('uses the members table for role filters', async () => {
    await database.db.execute(`INSERT INTO members (guild_id, user_id, roles) VALUES (${GUILD}, ${BOB}, '{"777"}')`);
    await save(creditRule('mods', { trigger: { events: ['message_create'], roles: { any: ['777'] } }, amount: 5 }));
    await freshPipeline().ingestEvents([event('message_create'), event('message_create', { actor_id: BOB })], 'api');
    expect([await balance(ALICE), await balance(BOB)]).toEqual([0, 5]);
  });
});

describe('saving rules', () => {
  const problemsOf = async (document: unknown) => {
    const result = await saveRule(database.db, GUILD, document, 'test');
    return result.ok ? [] : result.problems;
  };

  it('keeps every version of a rule and an audit entry per change', async () => {
    await save(creditRule('xp', { amount: 1 }));
    await save(creditRule('xp', { amount: 2 }));
    await save(creditRule('xp', { amount: 2 })); // unchanged: no new version
    const [row] = await database.db.select().from(rules);
    expect(row!.version).toBe(2);
    expect((await database.db.select().from(ruleVersions)).map((v) => v.version).sort()).toEqual([1, 2]);
  });

  it('refuses an unknown operation with the JSON path of the problem', async () => {
    expect(await problemsOf(creditRule('r', { conditions: [{ if: { and: [true, { explode: [1] }] } }] }))).toEqual([
      { path: 'conditions[0].if.and[1].explode', message: expect.stringContaining('unknown operation "explode"') },
    ]);
  });

  it('refuses wrong types, unknown currencies and zones, with paths', async () => {
    const wrong = await problemsOf({ ...creditRule('r'), priority: 'high', trigger: { events: ['message_sent'] } });
    expect(wrong.map((p) => p.path).sort()).toEqual(['priority', 'trigger.events[0]']);
    const deep = JSON.parse('{"!":'.repeat(200) + 'true' + '}'.repeat(200));
    expect((await problemsOf(creditRule('r', { conditions: [{ if: deep }] })))[0]!.message).toContain('nested deeper than');
    expect(await problemsOf(creditRule('r', { currency: 'diamonds' }))).toEqual([{ path: 'effects[0].currency', message: 'unknown currency "diamonds"' }]);
    expect((await problemsOf(creditRule('r', { trigger: { events: ['message_create'], zones: ['nowhere'] } })))[0]!.path).toBe('trigger.zones[0]');
  });

  it('refuses an amount that is not a number, and a condition that throws', async () => {
    expect(await problemsOf(creditRule('r', { amount: { cat: ['a', 'b'] } }))).toEqual([
      { path: 'effects[0].amount', message: expect.stringContaining('must evaluate to a number') },
    ]);
    // missing_some with a list that is not there throws inside json-logic-js
    expect(await problemsOf(creditRule('r', { conditions: [{ if: { missing_some: [1, { var: 'event.data.nothing' }] } }] }))).toEqual([
      { path: 'conditions[0].if', message: expect.stringContaining('fails on a sample message_create event') },
    ]);
  });

  it('saves zones and currencies with validation', async () => {
    expect(await saveZone(database.db, GUILD, { key: 'Bad Key', name: 'x' }, 'test')).toMatchObject({ ok: false, problems: [{ path: 'key' }] });
    expect(await saveCurrency(database.db, GUILD, { key: 'gems', name: 'Gems', level_curve: { kind: 'exponential', base: -1, factor: 2 } }, 'test')).toMatchObject({ ok: false, problems: [{ path: 'level_curve.base' }] });
  });
});
