// The outbox dispatcher against the fake Discord REST API: retries with backoff, permanent failures
// marked with a readable reason, and no row ever sent twice, even by two dispatchers at once.
import { asc, eq } from 'drizzle-orm';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { deliver } from '../../src/discord/outbox-delivery.ts';
import { OutboxDispatcher, type OutboxOptions } from '../../src/discord/outbox-dispatcher.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { until } from './support/harness.ts';
import { ANNOUNCE_CHANNEL, BOB, GUILD, LEVEL_ROLE } from './support/payloads.ts';
import { useDatabase } from './support/use-bot.ts';

let fake: FakeDiscord;
let rest: REST;
const dispatchers: OutboxDispatcher[] = [];

const ctx = useDatabase({ preset: 'none' });

beforeEach(async () => {
  fake = await FakeDiscord.start();
  rest = new REST({ api: fake.apiUrl, retries: 0, timeout: 5_000 }).setToken('fake-token');
});
afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await fake.close();
});

function dispatcher(options: Partial<OutboxOptions> = {}) {
  const d = new OutboxDispatcher(ctx.database, (row) => deliver(rest, row), silentLogger, { backoffBaseMs: 20, backoffMaxMs: 50, intervalMs: 20, ...options });
  dispatchers.push(d);
  return d;
}

async function addRow(kind: string, payload: Record<string, unknown>) {
  const [row] = await ctx.database.db.insert(outbox).values({ guildId: GUILD, kind, payload }).returning();
  return row!;
}

const rowById = async (id: number) => (await ctx.database.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
const roleRoute = new RegExp(`^/guilds/${GUILD}/members/${BOB}/roles/${LEVEL_ROLE}$`);

describe('the outbox dispatcher', () => {
  it('sends a role, a channel message and a DM through Discord REST and marks them sent', async () => {
    const role = await addRow('role_add', { user_id: BOB, role_id: LEVEL_ROLE, reason: 'Level 5' });
    const post = await addRow('message', { channel_id: ANNOUNCE_CHANNEL, content: 'Congrats!', embed: { title: 'Level up' } });
    const dm = await addRow('dm', { user_id: BOB, content: 'You reached level 5' });
    dispatcher().start();
    await until(async () => (await ctx.database.db.select().from(outbox)).every((r) => r.status === 'sent'), 5_000, 'all rows sent');
    expect(fake.calls('PUT', roleRoute)).toHaveLength(1);
    const [message] = fake.calls('POST', new RegExp(`^/channels/${ANNOUNCE_CHANNEL}/messages$`));
    expect(message!.body).toMatchObject({ content: 'Congrats!', embeds: [{ title: 'Level up' }], nonce: `cairn-${post.id}`, enforce_nonce: true });
    expect(fake.calls('POST', /^\/users\/@me\/channels$/)[0]!.body).toEqual({ recipient_id: BOB });
    expect((await rowById(role.id)).sentAt).toBeInstanceOf(Date);
    expect((await rowById(dm.id)).status).toBe('sent');
  });

  it('retries a row whose REST call fails with 500 and sends it once', async () => {
    fake.failNext('PUT', roleRoute, { status: 500, body: { message: 'Internal Server Error', code: 0 } }, 2);
    const row = await addRow('role_add', { user_id: BOB, role_id: LEVEL_ROLE, reason: 'x' });
    dispatcher().start();
    await until(async () => (await rowById(row.id)).status === 'sent', 5_000, 'the row sent');
    const calls = fake.calls('PUT', roleRoute);
    expect(calls.map((c) => c.status)).toEqual([500, 500, 204]);
    expect(await rowById(row.id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('waits out a 429 rate limit as Discord asks and then sends the row once, not counting it as a failure', async () => {
    const retryAfter = 0.3;
    fake.failNext('PUT', roleRoute, { status: 429, body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false }, headers: { 'retry-after': String(retryAfter), 'x-ratelimit-scope': 'user' } });
    const row = await addRow('role_add', { user_id: BOB, role_id: LEVEL_ROLE, reason: 'x' });
    const started = Date.now();
    dispatcher().start();
    await until(async () => (await rowById(row.id)).status === 'sent', 5_000, 'the row sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(retryAfter * 1000 - 20);
    const calls = fake.calls('PUT', roleRoute);
    expect(calls.map((c) => c.status)).toEqual([429, 204]);
    expect(await rowById(row.id)).toMatchObject({ status: 'sent', lastError: null });
  });

  it('marks a row that fails with 403 as failed, with a reason an admin can read, and does not retry it', async () => {
    fake.failNext('PUT', roleRoute, { status: 403, body: { message: 'Missing Permissions', code: 50013 } }, 100);
    const row = await addRow('role_add', { user_id: BOB, role_id: LEVEL_ROLE, reason: 'x' });
    const d = dispatcher();
    d.start();
    await until(async () => (await rowById(row.id)).status === 'failed', 5_000, 'the row failed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.calls('PUT', roleRoute)).toHaveLength(1);
    const failed = await rowById(row.id);
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toBe('Discord 403 Missing Permissions (code 50013): the bot lacks permissions (for roles: its own role must be above the role it gives, with Manage Roles)');
    expect(d.stats).toMatchObject({ sent: 0, failed: 1 });
  });

  it('marks a DM to a member who does not accept them as failed', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    const row = await addRow('dm', { user_id: BOB, content: 'hi' });
    dispatcher().start();
    await until(async () => (await rowById(row.id)).status === 'failed', 5_000, 'the row failed');
    expect((await rowById(row.id)).lastError).toContain('the member does not accept direct messages from the bot');
  });

  it('marks a row with an unusable payload as failed without calling Discord', async () => {
    const row = await addRow('message', { channel_id: 'general', content: 'hi' });
    dispatcher().start();
    await until(async () => (await rowById(row.id)).status === 'failed', 5_000, 'the row failed');
    expect((await rowById(row.id)).lastError).toMatch(/^payload of a message row is invalid: channel_id/);
    expect(fake.requests).toHaveLength(0);
  });

  it('gives up on a row that keeps failing with server errors after its last attempt', async () => {
    fake.failNext('PUT', roleRoute, { status: 502, body: { message: 'Bad Gateway', code: 0 } }, 100);
    const row = await addRow('role_add', { user_id: BOB, role_id: LEVEL_ROLE });
    dispatcher({ maxAttempts: 3 }).start();
    await until(async () => (await rowById(row.id)).status === 'failed', 5_000, 'the row failed');
    expect(fake.calls('PUT', roleRoute)).toHaveLength(3);
    expect((await rowById(row.id)).lastError).toBe('gave up after 3 attempts; last: Discord 502 Bad Gateway');
  });

  it('never sends a row twice when two dispatchers work on the same outbox', async () => {
    for (let i = 0; i < 60; i++) await addRow('message', { channel_id: ANNOUNCE_CHANNEL, content: `message ${i}` });
    const a = dispatcher({ batchSize: 7 });
    const b = dispatcher({ batchSize: 7 });
    await Promise.all([a.drain(10_000), b.drain(10_000), a.drain(10_000), b.drain(10_000)]);
    const rows = await ctx.database.db.select().from(outbox).orderBy(asc(outbox.id));
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    const nonces = fake.calls('POST', /\/messages$/).map((c) => c.body.nonce);
    expect(nonces).toHaveLength(60);
    expect(new Set(nonces).size).toBe(60);
    expect(a.stats.sent + b.stats.sent).toBe(60);
  });

  it('sends a row claimed by a dispatcher that died once its lease runs out', async () => {
    const row = await addRow('role_add', { user_id: BOB, role_id: LEVEL_ROLE });
    const stuck = new OutboxDispatcher(ctx.database, () => new Promise<void>(() => {}), silentLogger, { leaseSeconds: 1 });
    void stuck.runOnce();
    await until(async () => (await rowById(row.id)).attempts === 1, 5_000, 'the first claim');
    const healthy = dispatcher({ leaseSeconds: 1 });
    expect(await healthy.runOnce()).toBe(0);
    await until(async () => (await healthy.runOnce()) === 1, 5_000, 'the lease to run out');
    expect(await rowById(row.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(fake.calls('PUT', roleRoute)).toHaveLength(1);
  });
});
