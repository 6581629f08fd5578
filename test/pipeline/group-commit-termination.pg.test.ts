// Group commit under backend termination: 20 clients each post one event per request, so requests
// share transactions; Postgres terminates Cairn's backends again and again mid-group. Every request
// of a group that lost its backend is refused with a retryable 503 (none is answered accepted for
// an event that did not commit), and the retries with the same source ids lose and double nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { bootCairn, stopCairn, type CairnProcess } from '../faults/support/cairn-process.ts';
import { eventBatches, runLoad } from '../faults/support/ingest-load.ts';
import { checkLake } from '../faults/support/lake-check.ts';
import { terminateBackendsRepeatedly } from '../faults/support/terminator.ts';

let dataDir: string;
let databaseUrl: string;
let cairn: CairnProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-group-terminate-'));
  const database = await createTestDatabase({ poolSize: 1 });
  databaseUrl = database.url!;
  await database.close();
});
afterAll(async () => {
  await stopCairn(cairn);
  await rm(dataDir, { recursive: true, force: true });
});

describe('backends terminated while single-event requests are grouped', () => {
  it('every single-event request is committed once or refused with a 503; retries lose and double nothing', async () => {
    cairn = await bootCairn({ dataDir, databaseUrl });
    const batches = eventBatches(20_000, 1);
    const terminating = terminateBackendsRepeatedly(databaseUrl, { durationMs: 6_000, minPauseMs: 50, maxPauseMs: 200 });
    // Clients keep taking new batches while backends are being terminated, then finish what they hold.
    const load = await runLoad({ url: cairn.url, batches, clients: 20, until: terminating, retryDelayMs: 25, alive: () => cairn!.alive() });
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
        `backend termination, single-event requests: ${terminations.rounds} rounds, ${terminations.terminated} backends terminated; ` +
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
