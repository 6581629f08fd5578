// Postgres terminates Cairn's backends again and again while clients post events (a failover, a
// restart, an administrator): the process stays up, each event is committed once or refused with a
// retryable 503, and the clients' retries with the same source ids lose and double nothing.
// Twice: requests of 4 events, and single-event requests that share transactions (group commit),
// where every request of a group that lost its backend is refused (none answered accepted for an
// event that did not commit).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { bootCairn, stopCairn, type CairnProcess } from './support/cairn-process.ts';
import { eventBatches, runLoad } from './support/ingest-load.ts';
import { checkLake } from './support/lake-check.ts';
import { terminateBackendsRepeatedly } from './support/terminator.ts';

const SCENARIOS = [
  {
    title: 'backends terminated during load',
    test: 'keeps Cairn running; every event is committed once or refused with a retryable 503; retries lose and double nothing',
    label: 'backend termination',
    size: 4,
    clients: 8,
  },
  {
    title: 'backends terminated while single-event requests are grouped',
    test: 'every single-event request is committed once or refused with a 503; retries lose and double nothing',
    label: 'backend termination, single-event requests',
    size: 1,
    clients: 20,
  },
];

describe.each(SCENARIOS)('$title', ({ test, label, size, clients }) => {
  let dataDir: string;
  let databaseUrl: string;
  let cairn: CairnProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cairn-terminate-'));
    const database = await createTestDatabase({ poolSize: 1 });
    databaseUrl = database.url!;
    await database.close();
  });
  afterAll(async () => {
    await stopCairn(cairn);
    await rm(dataDir, { recursive: true, force: true });
  });

  it(test, async () => {
    cairn = await bootCairn({ dataDir, databaseUrl });
    const batches = eventBatches(20_000, size);
    const terminating = terminateBackendsRepeatedly(databaseUrl, { durationMs: 6_000, minPauseMs: 50, maxPauseMs: 200 });
    // Clients keep taking new batches while backends are being terminated, then finish what they hold.
    const load = await runLoad({ url: cairn.url, batches, clients, until: terminating, retryDelayMs: 25, alive: () => cairn!.alive() });
    const terminations = await terminating;

    expect(cairn.alive(), cairn.output()).toBe(true);
    const health = await fetch(`${cairn.url}/healthz`);
    expect(health.status, cairn.output()).toBe(200);
    expect(load.unexpected, cairn.output()).toEqual([]);
    expect(load.pending).toEqual([]);
    await stopCairn(cairn);

    const sent = load.started.flatMap((i) => batches[i]!);
    const database = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
    try {
      const lake = await checkLake(database, DEMO_GUILD_ID, sent.map((e) => e.source_id));
      console.info(
        `${label}: ${terminations.rounds} rounds, ${terminations.terminated} backends terminated; ` +
          `${sent.length} events in ${load.requests} requests: accepted ${load.accepted}, duplicate ${load.duplicate}, ` +
          `refused (503) ${load.refused}, cut off ${load.cutOff}, lost ${lake.lost}, doubled ${lake.doubled}`,
      );
      expect(terminations.rounds).toBeGreaterThan(20);
      expect(lake).toMatchObject({ lost: 0, doubled: 0, violations: [], walletsOff: 0 });
      // Every event was answered exactly once as accepted; a retry of one that had committed says duplicate.
      expect(load.accepted + load.duplicate).toBe(sent.length);
    } finally {
      await database.close();
    }
  });
});
