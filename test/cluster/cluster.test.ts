// Cairn past one process: two `bin/start.js` processes on one Postgres, each holding two of the fake
// Discord's four shards. Every guild is served by exactly one of them, a rule saved through one
// process's API is in force on the other (NOTIFY reload), and a process killed with kill -9 mid-load
// and restarted loses nothing and pays nothing twice once Discord (here: the fake) sends again what
// it had not seen committed. Multi-process runs need the real Postgres: PGlite is one process by
// construction, which the PGlite run of this file checks instead (a second process is refused).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq, isNotNull, sql, sum } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lakeEvents, outbox, transactions } from '../../src/db/schema.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { shardedGuilds } from '../discord/shards-support.ts';
import { until } from '../discord/support/harness.ts';
import { ALICE, message } from '../discord/support/payloads.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedGuild } from '../support/factories.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { runProcess, startProcess, type StartedProcess } from '../support/process.ts';

const ADMIN = 'cluster-admin-token-0123456789';
const GUILDS = shardedGuilds(4, 2);
let database: TestDatabase;
let fake: FakeDiscord;
const dirs: string[] = [];
const processes: StartedProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const p of processes.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  await fake?.close();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-cluster-'));
  dirs.push(dir);
  return dir;
}

interface Node {
  proc: StartedProcess;
  url: string;
}

/** Starts `bin/start.js` holding `shards` of 4, as its own process. */
async function startNode(name: string, shards: string, dir: string): Promise<Node> {
  const proc = startProcess(['bin/start.js'], {
    DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    CAIRN_ADMIN_TOKEN: ADMIN,
    CAIRN_DEMO_GUILD: 'false',
    DISCORD_TOKEN: `token-${name}`,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_SHARD_COUNT: '4',
    DISCORD_SHARDS: shards,
  });
  processes.push(proc);
  const [, url] = await proc.waitFor(/Cairn is running at (http:\/\/\S+)/, 60_000);
  await until(async () => ((await (await fetch(`${url}/healthz`)).json()) as { discord: string }).discord === 'ready', 30_000, `${name} ready`);
  return { proc, url: url! };
}

const messagesOf = (guildId: string) => and(eq(lakeEvents.guildId, guildId), eq(lakeEvents.type, 'message_create'));
const commandPuts = (token: string) =>
  fake
    .calls('PUT', /^\/applications\/\d+\/guilds\/\d+\/commands$/)
    .filter((r) => r.headers.authorization === `Bot ${token}`)
    .map((r) => r.path.split('/')[4]!)
    .sort();

describe('Cairn over several processes', () => {
  it('on Postgres serves every guild from exactly one of two processes, reloads rules across them, and survives kill -9 mid-load with every event paid once; on PGlite refuses a second process', async () => {
    if (database.kind === 'postgres') await twoProcessesFourShards();
    else await oneProcessPerEmbeddedDatabase();
  }, 240_000);
});

async function twoProcessesFourShards(): Promise<void> {
  {
    fake = await FakeDiscord.start({ shards: 4, maxConcurrency: 4, guilds: GUILDS.map((g) => g.payload) });
    for (const g of GUILDS) {
      await seedGuild(database, { guildId: g.id, currencies: [{ key: 'xp' }] });
      const saved = await saveRule(database.db, g.id, { key: 'msg', name: 'msg', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 1 }, { type: 'message', channel: 'event_channel', template: 'thanks {{actor.mention}}' }] }, 'test');
      expect(saved.ok).toBe(true);
    }
    const a = await startNode('a', '0-1', await dataDir());
    const b = await startNode('b', '2-3', await dataDir());
    const onA = GUILDS.filter((g) => g.shard < 2).map((g) => g.id).sort();
    const onB = GUILDS.filter((g) => g.shard >= 2).map((g) => g.id).sort();
    await until(() => commandPuts('token-a').length === 4 && commandPuts('token-b').length === 4, 15_000, 'command registration');
    expect(commandPuts('token-a')).toEqual(onA);
    expect(commandPuts('token-b')).toEqual(onB);
    const health = (await (await fetch(`${b.url}/healthz`)).json()) as { shards: { id: number; status: string }[] };
    expect(health.shards.map((s) => [s.id, s.status])).toEqual([[2, 'ready'], [3, 'ready']]);
    const metrics = await (await fetch(`${a.url}/metrics`, { headers: { Authorization: `Bearer ${ADMIN}` } })).text();
    expect(metrics).toContain('cairn_discord_shard_up{shard="1"} 1');

    // A rule saved through A's API, for a guild B holds, is what B applies next.
    const onShard2 = GUILDS.find((g) => g.shard === 2)!;
    const put = await fetch(`${a.url}/api/guilds/${onShard2.id}/rules/msg`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'msg', name: 'msg', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 3 }, { type: 'message', channel: 'event_channel', template: 'thanks {{actor.mention}}' }] }),
    });
    expect(put.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    fake.dispatch('MESSAGE_CREATE', message({ id: String((1n << 60n) + 1n), guild: onShard2.id, channel: onShard2.channel, author: ALICE, content: 'after the change' }));
    const probe = await until(async () => (await database.db.select().from(transactions).where(eq(transactions.guildId, onShard2.id)))[0], 10_000, 'the probe paid');
    expect(probe!.delta).toBe(3);

    // Load: a message per guild every 10 ms; A dies (kill -9) a third of the way and comes back at two thirds.
    const rounds = 60;
    let sent = 0;
    let restarted: Promise<Node> | undefined;
    for (let round = 0; round < rounds; round++) {
      if (round === 20) {
        a.proc.child.kill('SIGKILL');
        await a.proc.exited;
      }
      if (round === 40) {
        // A new process has no session to resume: Discord starts a new one. What the dead process
        // received is sent again (here from sequence 0 of the old session: everything), and the
        // lake's unique key keeps whatever it had already committed from counting twice.
        fake.redeliverOnIdentify(0, 0);
        fake.redeliverOnIdentify(1, 0);
        // Dispatching goes on while A restarts.
        restarted = startNode('a', '0-1', await dataDir());
        restarted.catch(() => undefined);
      }
      for (const g of GUILDS) {
        fake.dispatch('MESSAGE_CREATE', message({ id: String((2n << 60n) + BigInt(sent++)), guild: g.id, channel: g.channel, author: ALICE, content: `round ${round}` }));
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const expected = rounds;
    await until(async () => {
      const [row] = await database.db.select({ n: count() }).from(lakeEvents).where(eq(lakeEvents.type, 'message_create'));
      return row!.n === rounds * GUILDS.length + 1;
    }, 60_000, 'every message in the lake');
    const back = await restarted!;
    const shardsBack = ((await (await fetch(`${back.url}/healthz`)).json()) as { shards: { id: number; status: string }[] }).shards;
    expect(shardsBack.map((s) => [s.id, s.status])).toEqual([[0, 'ready'], [1, 'ready']]);
    for (const g of GUILDS) {
      const [lake] = await database.db.select({ n: count() }).from(lakeEvents).where(messagesOf(g.id));
      const [paid] = await database.db.select({ n: count(), total: sum(transactions.delta) }).from(transactions).where(and(eq(transactions.guildId, g.id), isNotNull(transactions.lakeEventId)));
      const probeCount = g.id === onShard2.id ? 1 : 0;
      expect(lake!.n, `messages in ${g.id}`).toBe(expected + probeCount);
      expect(paid!.n, `payments in ${g.id}`).toBe(expected + probeCount);
      expect(Number(paid!.total), `xp paid in ${g.id}`).toBe(g.id === onShard2.id ? 3 * (expected + 1) : expected);
      const [twice] = await database.db.execute(sql`SELECT count(*)::int AS n FROM (SELECT lake_event_id FROM transactions WHERE guild_id = ${g.id} GROUP BY lake_event_id HAVING count(*) > 1) t`).then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { n: number }[]);
      expect(twice!.n).toBe(0);
    }
    // The outbox: one message per event, each created once. Rows the dead process had claimed come
    // back when their lease (120 s) runs out; the test moves that moment to now rather than wait.
    const total = rounds * GUILDS.length + 1;
    await until(async () => {
      const [row] = await database.db.select({ n: count() }).from(outbox);
      return row!.n === total;
    }, 30_000, 'every outbox row written');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await database.db.execute(sql`UPDATE outbox SET available_at = now() WHERE status = 'pending'`);
    await until(async () => {
      const [row] = await database.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'sent'));
      return row!.n === total;
    }, 60_000, 'every outbox row sent');
    // A row sent by A just before kill -9 and again after its lease is one message: Discord drops a
    // repeated nonce (enforce_nonce), and so does the fake.
    const created = [...fake.channels.messages.values()].flat();
    expect(created).toHaveLength(total);
    const nonces = fake.calls('POST', /^\/channels\/\d+\/messages$/).map((r) => r.body?.nonce as string);
    expect(new Set(nonces).size).toBe(total);
    const doctor = await runProcess(['bin/cairn.js', 'doctor', '--json'], { DATABASE_URL: database.url });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: true, violations: [] });
  }
}

/** PGlite: one process per folder, so a second one is refused with the way to a cluster. */
async function oneProcessPerEmbeddedDatabase(): Promise<void> {
  {
    fake = await FakeDiscord.start({ shards: 4, guilds: GUILDS.map((g) => g.payload) });
    const dir = await dataDir();
    const env = { DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', CAIRN_ADMIN_TOKEN: ADMIN, CAIRN_DEMO_GUILD: 'false', DISCORD_TOKEN: 'token-a', DISCORD_API_URL: fake.apiUrl, DISCORD_SHARD_COUNT: '4' };
    const first = startProcess(['bin/start.js'], { ...env, DISCORD_SHARDS: '0-1' });
    processes.push(first);
    await first.waitFor(/Cairn is running at/, 60_000);
    const second = startProcess(['bin/start.js'], { ...env, DISCORD_SHARDS: '2-3', DISCORD_TOKEN: 'token-b' });
    processes.push(second);
    expect(await second.exited).not.toBe(0);
    expect(second.stderr()).toMatch(/in use by process \d+; stop it first, or set DATABASE_URL to share a Postgres server/);
  }
}
