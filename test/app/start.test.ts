// `npm start` on a fresh clone with no environment: health, demo guild, printed token; a second
// start reuses the same data. Runs the real entry point as a child process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { json } from '../support/app.ts';
import { createTestDatabase } from '../support/db.ts';
import { messageEvent } from '../support/factories.ts';
import { startProcess } from '../support/process.ts';

let dataDir: string;
/** On the Postgres pass, Cairn runs against a fresh server database instead of PGlite. */
let databaseUrl: string | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-start-'));
  if (inject('dbKind') === 'postgres') {
    const database = await createTestDatabase({ poolSize: 1 });
    databaseUrl = database.url;
    await database.close();
  }
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function boot() {
  const proc = startProcess(['bin/start.js'], { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl });
  const [, url] = await proc.waitFor(/Cairn is running at (http:\/\/\S+)/);
  return { proc, url: url! };
}

describe('npm start', () => {
  it('starts on an empty data folder, prints the admin token once, and a second start reuses the data', async () => {
    const first = await boot();
    const token = (await first.proc.waitFor(/Admin token \(shown once[^\n]*\n\s+(\S+)/))[1]!;
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok', discord: 'disabled' });
    const guilds = await (await fetch(`${first.url}/api/guilds`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(guilds).toEqual([expect.objectContaining({ id: DEMO_GUILD_ID, name: 'Cairn Demo', isDemo: true })]);
    const event = messageEvent({ guild_id: '77' });
    const ingest = await fetch(`${first.url}/api/guilds/77/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(await ingest.json()).toMatchObject({ accepted: 1, duplicate: 0, rejected: [], events: [{ index: 0, status: 'accepted' }] });
    first.proc.child.kill('SIGTERM');
    expect(await first.proc.exited).toBe(0);

    const second = await boot();
    expect(second.proc.stdout()).not.toContain(token);
    expect(second.proc.stdout()).toContain('Admin token: stored in');
    const again = await fetch(`${second.url}/api/guilds/77/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicate: 1, rejected: [], events: [{ index: 0, status: 'duplicate' }] });
    const ids = (await json(await fetch(`${second.url}/api/guilds`, { headers: { Authorization: `Bearer ${token}` } }))).map((g: { id: string }) => g.id);
    expect(ids).toEqual([DEMO_GUILD_ID, '77']);
    second.proc.child.kill('SIGTERM');
    expect(await second.proc.exited).toBe(0);
  });

  it('exits 1 naming the variable when the configuration is bad', async () => {
    const proc = startProcess(['bin/start.js'], { DATA_DIR: dataDir, PORT: 'eighty' });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/PORT/);
    expect(proc.stderr()).not.toMatch(/\n\s+at /);
  });
});
