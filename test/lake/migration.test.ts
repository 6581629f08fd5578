// Migration 0033 converts a populated, unpartitioned lake in place: rows, ids and the id sequence
// survive, keys are filled from the rows, and exactly-once holds for events from before it.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';
import { lakePartitions } from '../../src/lake/partitions.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { urlForDatabase } from '../support/test-db-config.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { GUILD, messageEvent } from '../support/factories.ts';

const BEFORE = '0032_outbox_notify';
let database: Database;
let dir: string;
let dropDatabase: (() => Promise<void>) | null = null;

/** The migrations folder as it was up to `last` (the journal cut there). */
async function migrationsUpTo(last: string): Promise<string> {
  const folder = join(dir, last);
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const end = journal.entries.findIndex((e) => e.tag === last);
  journal.entries = journal.entries.slice(0, end + 1);
  await writeFile(journalFile, JSON.stringify(journal));
  return folder;
}

async function migrateWith(folder: string): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(database.db as never, { migrationsFolder: folder });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: folder });
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-lake-migration-'));
  if (inject('dbKind') === 'pglite') {
    database = await openDatabase({ kind: 'pglite' });
  } else {
    const name = `cairn_m_${inject('runId')}_${process.pid}`;
    const admin = postgres(inject('pgServerUrl'), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    database = await openDatabase({ kind: 'postgres', url: urlForDatabase(inject('pgServerUrl'), name), poolSize: 5 });
    dropDatabase = async () => {
      const a = postgres(inject('pgServerUrl'), { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
}, 120_000);
afterAll(async () => {
  await database?.close();
  await dropDatabase?.();
  await rm(dir, { recursive: true, force: true });
});

describe('migration 0033 (lake partitions) on a lake that holds rows', () => {
  it('keeps every row and id, continues the sequence, and still refuses a replay of an old event', async () => {
    await migrateWith(await migrationsUpTo(BEFORE));
    await database.db.execute(sql`INSERT INTO guilds (id, name) VALUES (${GUILD}, 'g')`);
    // Rows as the old writer left them: three months, and one event far older than two years.
    await database.db.execute(sql`
      INSERT INTO lake_events (guild_id, source_id, type, actor_id, occurred_at, data, origin)
      SELECT ${GUILD}, 'old-' || i, 'message_create', 987654321098765432,
             timestamptz '2026-09-15 10:00Z' + (i % 3) * interval '1 month', '{"length": 5}', 'api'
      FROM generate_series(1, 300) i`);
    await database.db.execute(sql`INSERT INTO lake_events (guild_id, source_id, type, actor_id, occurred_at, origin) VALUES (${GUILD}, 'ancient', 'message_create', 987654321098765432, '2019-01-01Z', 'api')`);
    const before = await queryRows<{ id: string; s: string; o: string }>(database.db, sql`SELECT id::text, source_id AS s, occurred_at::text AS o FROM lake_events ORDER BY id`);
    expect(before).toHaveLength(301);

    await migrateWith(MIGRATIONS_FOLDER);

    const after = await queryRows<{ id: string; s: string; o: string }>(database.db, sql`SELECT id::text, source_id AS s, occurred_at::text AS o FROM lake_events ORDER BY id`);
    expect(after).toEqual(before);
    const [kind] = await queryRows<{ k: string }>(database.db, sql`SELECT relkind::text AS k FROM pg_class WHERE oid = 'lake_events'::regclass`);
    expect(kind!.k).toBe('p');
    const months = (await lakePartitions(database.db)).map((p) => p.month);
    expect(months).toEqual(expect.arrayContaining(['2026-09', '2026-10', '2026-11']));
    const [ancient] = await queryRows<{ p: string }>(database.db, sql`SELECT tableoid::regclass::text AS p FROM lake_events WHERE source_id = 'ancient'`);
    expect(ancient!.p).toBe('lake_events_default');
    const [keys] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM lake_event_keys k JOIN lake_events l ON l.id = k.event_id AND l.source_id = k.source_id`);
    expect(keys!.n).toBe(301);

    // The pipeline goes on from there: a replay of an old event is a duplicate (with another time,
    // too), a new event gets an id after every old one.
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [{ key: 'm', name: 'm', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 1 }] }] });
    const { pipeline } = enginePipeline(database);
    const replay = messageEvent({ source_id: 'old-7', occurred_at: '2026-11-20T10:00:00.000Z' });
    const fresh = messageEvent({ occurred_at: '2026-11-20T10:00:00.000Z' });
    const result = await pipeline.ingestEvents([replay, fresh], 'gateway');
    expect(result.stored.map((e) => e.event.source_id)).toEqual([fresh.source_id]);
    expect(result.stored[0]!.id).toBeGreaterThan(Math.max(...before.map((r) => Number(r.id))));
    expect(await checkLedger(database.db)).toEqual([]);
  }, 180_000);
});
