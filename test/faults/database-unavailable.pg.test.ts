// The database goes away and comes back (a TCP proxy in front of Postgres is closed, then opened on
// the same port): meanwhile every request is a quick 503 `unavailable` with Retry-After, /healthz is
// a quick 503, nothing is lost; afterwards Cairn is back by itself, and configuration changes made
// while it was cut off, and after, reach it through LISTEN/NOTIFY.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { bootCairn, FAULT_ADMIN_TOKEN, stopCairn, type CairnProcess } from './support/cairn-process.ts';
import { eventBatches } from './support/ingest-load.ts';
import { checkLake } from './support/lake-check.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

let dataDir: string;
let databaseUrl: string;
let proxy: TcpProxy;
let cairn: CairnProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-unavailable-'));
  const database = await createTestDatabase({ poolSize: 1 });
  databaseUrl = database.url!;
  await database.close();
  const server = new URL(databaseUrl);
  proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
});
afterAll(async () => {
  await stopCairn(cairn);
  await proxy.close();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as any;
  return { status: res.status, body, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { value, ms: performance.now() - started };
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}\n${cairn?.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The guild's configuration version as stored (what Cairn should have loaded). */
const storedVersion = async (admin: postgres.Sql) =>
  (await admin<{ version: number }[]>`SELECT config_version version FROM guilds WHERE id = ${DEMO_GUILD_ID}`)[0]!.version;
const ruleVersion = async () => ((await timed(`${cairn!.url}/api/guilds/${DEMO_GUILD_ID}/health`, { headers: auth })).body as { configVersion?: number }).configVersion;

describe('the database goes away and comes back', () => {
  it('answers 503 unavailable quickly while it is away, loses nothing, and recovers by itself with hot reload working', async () => {
    cairn = await bootCairn({ dataDir, databaseUrl: proxy.rewrite(databaseUrl) });
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [before, ...outage] = eventBatches(4, 1);
      const post = (batch: unknown) => timed(`${cairn!.url}/api/guilds/${DEMO_GUILD_ID}/events`, { method: 'POST', headers: auth, body: JSON.stringify(batch) });
      expect((await post(before)).body).toMatchObject({ accepted: 1, duplicate: 0, rejected: [] });
      const firstVersion = await ruleVersion();
      expect(firstVersion).toBeGreaterThan(0);

      await proxy.close({ refuse: true });
      for (const batch of outage) {
        const answer = await post(batch);
        expect(answer, cairn.output()).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^[1-9][0-9]*$/) });
        expect(answer.body).toEqual({ error: { code: 'unavailable', message: expect.any(String), requestId: expect.any(String) } });
        expect(answer.ms).toBeLessThan(5_000);
      }
      const read = await timed(`${cairn.url}/api/guilds`, { headers: auth });
      expect(read).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
      const health = await timed(`${cairn.url}/healthz`);
      expect(health).toMatchObject({ status: 503, body: { status: 'degraded', db: 'error' } });
      expect(health.ms).toBeLessThan(2_500);

      // A configuration change Cairn cannot hear about: its listener is cut off too.
      await admin`UPDATE rules SET enabled = false WHERE guild_id = ${DEMO_GUILD_ID} AND key = 'classic.message'`;
      const changedWhileAway = await storedVersion(admin);
      expect(changedWhileAway).toBeGreaterThan(firstVersion!);

      await proxy.open();
      const back = await until('/healthz to be 200 again', async () => ((await timed(`${cairn!.url}/healthz`)).status === 200 ? true : undefined));
      // The refused events, sent again with the same source ids, are accepted now.
      for (const batch of outage) expect((await post(batch)).body).toMatchObject({ accepted: 1, duplicate: 0, rejected: [] });
      // The reconnected listener reloaded what changed while it was away, and hears NOTIFY again.
      await until('the change made while away to be loaded', async () => ((await ruleVersion()) === changedWhileAway ? true : undefined));
      await admin`UPDATE rules SET enabled = true WHERE guild_id = ${DEMO_GUILD_ID} AND key = 'classic.message'`;
      const changedAfter = await storedVersion(admin);
      await until('the change made after recovery to be loaded', async () => ((await ruleVersion()) === changedAfter ? true : undefined), 5_000);
      expect(cairn.alive(), cairn.output()).toBe(true);
      console.info(`database unavailable: ${outage.length} events refused with 503 while away, health 503 in ${Math.round(health.ms)} ms, back ${Math.round(back.ms)} ms after the database returned`);

      const database = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 });
      try {
        expect(await checkLake(database, DEMO_GUILD_ID, [before!, ...outage].flat().map((e) => e.source_id))).toMatchObject({ lost: 0, doubled: 0, violations: [], walletsOff: 0 });
      } finally {
        await database.close();
      }
    } finally {
      await admin.end({ timeout: 1 });
    }
  });
});
