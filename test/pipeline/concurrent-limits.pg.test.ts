// Limits hold between batches that run at the same time: two processes (or the gateway's batches
// and the API's requests) ingesting for one guild in overlapping transactions. A batch locks its
// members' wallets before it reads the firings its limits count, so limits scoped to its members
// are serialised by those locks. A limit over the whole guild (a cooldown per guild) counts other
// members' firings too, whose wallets the batch does not lock. Below, another transaction holds the
// firings table against writes until both ingests wait, so both have read and evaluated (or wait
// for the other's locks) while the other is still open.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import type { EventOrigin } from '../../src/events/lake-writer.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveRule } from '../../src/rules/repository.ts';
import type { RuleInput } from '../../src/rules/schema.ts';
import { event } from '../rules/support.ts';
import { onStatements } from '../support/classic.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  expect(database.kind).toBe('postgres');
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
});

/**
 * A pipeline of its own, as in another process (no memory of the other's batches), warmed up as a
 * running process is: its first batch for a guild makes sure of the guild's row, which a concurrent
 * first batch waits for (and is then no longer concurrent).
 */
async function pipeline(): Promise<IngestPipeline> {
  const fresh = new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database))]);
  await fresh.ingestEvents([event('thread_create', { actor_id: CAROL })], 'api'); // no rule listens to threads
  return fresh;
}

/**
 * Runs the ingests while another transaction holds rule_firings against writes: each ingest reads
 * its history and evaluates, then waits to write its firings (or waits for the other ingest's
 * locks). Once every ingest waits, the table is let go.
 */
async function whileFiringsAreHeld(batches: [LakeEvent[], EventOrigin][]): Promise<void> {
  const pipelines = await Promise.all(batches.map(() => pipeline()));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const holder = database.db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE rule_firings IN EXCLUSIVE MODE`);
    held();
    await released;
  });
  await holding;
  const running = Promise.all(batches.map(([events, origin], i) => pipelines[i]!.ingestEvents(events, origin)));
  try {
    await expect.poll(waitingForLocks).toBe(batches.length);
  } finally {
    release();
    await holder;
  }
  await running;
}

async function waitingForLocks(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return row!.n;
}

/**
 * Every event happens at the same instant: a limit counts firings in (at − window, at], so whichever
 * transaction commits first, the other's events are judged with its firings (an event earlier than
 * a firing would not count it, whatever the order of commits).
 */
const AT = '2026-11-22T10:00:00.000Z';

async function save(document: RuleInput) {
  const saved = await saveRule(database.db, GUILD, document, 'test');
  if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
}

const credits = async () =>
  (await queryRows<{ user_id: string; delta: number }>(database.db, sql`SELECT user_id::text, delta FROM transactions WHERE guild_id = ${GUILD} ORDER BY id`)).map((r) => r.user_id);

describe('limits between batches that run at the same time', () => {
  it('a cooldown per guild pays one of two members whose events are in overlapping transactions', async () => {
    await save({ key: 'first', name: 'first message of the minute', trigger: { events: ['message_create'] }, limits: [{ kind: 'cooldown', seconds: 60, per: 'guild' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }] });
    await whileFiringsAreHeld([
      [[event('message_create', { actor_id: ALICE, occurred_at: AT })], 'gateway'],
      [[event('message_create', { actor_id: BOB, occurred_at: AT })], 'api'],
    ]);
    expect(await credits()).toHaveLength(1);
  });

  it('a rate per guild pays no more than its maximum across overlapping transactions', async () => {
    await save({ key: 'three', name: 'three an hour', trigger: { events: ['message_create'] }, limits: [{ kind: 'rate', max: 3, window_seconds: 3600, per: 'guild' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 1 }] });
    const batch = (actor: string) => [0, 1].map(() => event('message_create', { actor_id: actor, occurred_at: AT }));
    await whileFiringsAreHeld([
      [batch(ALICE), 'gateway'],
      [batch(BOB), 'api'],
    ]);
    expect(await credits()).toHaveLength(3);
  });

  it('a cooldown per member still pays each member once, in overlapping transactions', async () => {
    await save({ key: 'each', name: 'each member once a minute', trigger: { events: ['message_create'] }, limits: [{ kind: 'cooldown', seconds: 60, per: 'actor' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }] });
    await whileFiringsAreHeld([
      [[event('message_create', { actor_id: ALICE, occurred_at: AT })], 'gateway'],
      [[event('message_create', { actor_id: ALICE, occurred_at: AT }), event('message_create', { actor_id: BOB, occurred_at: AT })], 'api'],
    ]);
    expect((await credits()).sort()).toEqual([ALICE, BOB].sort());
  });

  it('takes the guild\'s limit lock after the wallet lock and before the reads, only when a rule limits the whole guild', async () => {
    const sent: string[] = [];
    onStatements(database, (query) => sent.push(query));
    const statementsOf = async (ingest: IngestPipeline, actor: string) => {
      sent.length = 0;
      await ingest.ingestEvents([event('message_create', { actor_id: actor, occurred_at: AT })], 'api');
      return sent.map((q) => q.replace(/\s+/g, ' ').trim());
    };
    await save({ key: 'each', name: 'each member once a minute', trigger: { events: ['message_create'] }, limits: [{ kind: 'cooldown', seconds: 60, per: 'actor' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }] });
    expect((await statementsOf(await pipeline(), ALICE)).some((q) => q.includes('pg_advisory_xact_lock'))).toBe(false);

    await save({ key: 'first', name: 'first message of the minute', trigger: { events: ['message_create'] }, limits: [{ kind: 'cooldown', seconds: 60, per: 'guild' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }] });
    const statements = await statementsOf(await pipeline(), BOB);
    const at = (text: string) => statements.findIndex((q) => q.includes(text));
    // The wallet lock, the guild's limit lock, then the history read (which counts firings by every member).
    expect(at('pg_advisory_xact_lock'), statements.join('\n')).toBeGreaterThan(at('WITH locked AS MATERIALIZED'));
    expect(at('pg_advisory_xact_lock'), statements.map((q) => q.slice(0, 90)).join('\n')).toBeLessThan(at('FROM rule_firings'));
  });
});
