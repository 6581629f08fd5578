// kill -9 in the middle of ingest, on the database this pass runs (the embedded PGlite in a data
// folder, or Postgres): Cairn restarts on the same data, the clients send again every event that
// got no 200, and in the end each event is in the lake exactly once and the ledger is consistent.
// Twice: requests of 4 events, and single-event requests that share transactions (group commit),
// where a group that was cut off committed all of its requests or none.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { bootCairn, prepareDatabase, stopCairn, type CairnProcess } from './support/cairn-process.ts';
import { eventBatches, runLoad } from './support/ingest-load.ts';
import { checkLake } from './support/lake-check.ts';

const SCENARIOS = [
  { title: 'kill -9 during ingest', label: 'kill -9', events: 4_000, size: 4, clients: 8 },
  { title: 'kill -9 during grouped single-event requests', label: 'kill -9 during single-event requests', events: 2_000, size: 1, clients: 20 },
];

describe.each(SCENARIOS)(`$title (${inject('dbKind')})`, ({ label, events, size, clients }) => {
  let dataDir: string;
  /** On the Postgres pass Cairn runs on a fresh server database, else on PGlite under dataDir. */
  let databaseUrl: string | undefined;
  let cairn: CairnProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cairn-kill-'));
    databaseUrl = await prepareDatabase(dataDir);
  });
  afterAll(async () => {
    await stopCairn(cairn);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The data Cairn wrote, opened the way Cairn opens it (after Cairn has stopped, for PGlite). */
  function openData(): Promise<Database> {
    return databaseUrl
      ? openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 })
      : openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
  }

  it('loses and doubles nothing once the unanswered events are sent again to the restarted process', async () => {
    cairn = await bootCairn({ dataDir, databaseUrl });
    const batches = eventBatches(events, size);
    let killedAt: number | undefined;
    const killed = cairn;
    const firstRun = await runLoad({
      url: cairn.url,
      batches,
      clients,
      stopOnCutOff: true,
      onProgress: (report) => {
        // Mid-load: after some answers, with requests in flight.
        if (killedAt === undefined && report.accepted >= 40) {
          killedAt = report.accepted;
          killed.proc.child.kill('SIGKILL');
        }
      },
    });
    expect(killedAt, 'the process was killed under load').toBeDefined();
    expect(await cairn.proc.exited).toBeNull();
    expect(cairn.proc.child.signalCode).toBe('SIGKILL');

    cairn = await bootCairn({ dataDir, databaseUrl });
    const unanswered = firstRun.pending.map((i) => batches[i]!);
    const secondRun = await runLoad({ url: cairn.url, batches: unanswered, clients: 4 });
    expect(secondRun.unexpected).toEqual([]);
    expect(secondRun.pending).toEqual([]);
    const health = await fetch(`${cairn.url}/healthz`);
    expect(health.status).toBe(200);
    await stopCairn(cairn);

    const sent = firstRun.started.flatMap((i) => batches[i]!);
    const database = await openData();
    try {
      const lake = await checkLake(database, DEMO_GUILD_ID, sent.map((e) => e.source_id));
      console.info(
        `${label} on ${inject('dbKind')}: ${sent.length} events sent before the kill; answered ${firstRun.accepted} accepted, ` +
          `${unanswered.flat().length} unanswered and sent again: accepted ${secondRun.accepted}, duplicate ${secondRun.duplicate} ` +
          `(committed before the kill); lost ${lake.lost}, doubled ${lake.doubled}`,
      );
      expect(firstRun.unexpected).toEqual([]);
      expect(lake).toMatchObject({ lost: 0, doubled: 0, violations: [], walletsOff: 0 });
      expect(firstRun.accepted + firstRun.duplicate + secondRun.accepted + secondRun.duplicate).toBe(sent.length);
    } finally {
      await database.close();
    }
  });
});
