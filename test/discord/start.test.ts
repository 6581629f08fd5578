// `npm start` with DISCORD_TOKEN: the bot connects to DISCORD_API_URL (here the fake Discord),
// /healthz reports it, and SIGTERM shuts down gracefully — open voice sessions end as
// voice_session_end, and the process exits 0.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { lakeEvents, voiceSessions } from '../../src/db/schema.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { createTestDatabase } from '../support/db.ts';
import { startProcess } from '../support/process.ts';
import { until } from './support/harness.ts';
import { ALICE, GUILD, VOICE_CHANNEL, guild, voiceState } from './support/payloads.ts';

const TOKEN = 'test-admin-token-0123456789';
let dataDir: string;
let databaseUrl: string | undefined;
let fake: FakeDiscord;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-bot-start-'));
  if (inject('dbKind') === 'postgres') {
    const database = await createTestDatabase({ poolSize: 1 });
    databaseUrl = database.url;
    await database.close();
  }
  const { guild_id: _guild, ...inVoice } = voiceState(ALICE, VOICE_CHANNEL);
  fake = await FakeDiscord.start({ guilds: [guild({ voice_states: [inVoice] })] });
});
afterAll(async () => {
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with a Discord token', () => {
  it('connects the bot, reports it on /healthz, and on SIGTERM ends voice sessions and exits 0', async () => {
    const proc = startProcess(['bin/start.js'], {
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      CAIRN_ADMIN_TOKEN: TOKEN,
      CAIRN_DEMO_GUILD: 'false',
      DISCORD_TOKEN: 'fake-bot-token',
      DISCORD_API_URL: fake.apiUrl,
    });
    try {
      const [, url] = await proc.waitFor(/Cairn is running at (http:\/\/\S+)/);
      await until(async () => ((await (await fetch(`${url}/healthz`)).json()) as { discord: string }).discord === 'ready', 20_000, 'the bot ready');
      // The guild's GUILD_CREATE was handled: it is registered under its Discord name.
      await until(async () => {
        const guilds = (await (await fetch(`${url}/api/guilds`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { id: string; name: string }[];
        return guilds.some((g) => g.id === GUILD && g.name === 'Test Guild');
      }, 10_000, 'the guild registered');
      // Registration reads the guild's configuration (its custom commands and modules) first.
      await until(async () => fake.calls('PUT', /\/guilds\/\d+\/commands$/).length > 0, 10_000, 'the commands registered');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fake.calls('PUT', /\/guilds\/\d+\/commands$/)).toHaveLength(1);
    } finally {
      proc.child.kill('SIGTERM');
    }
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toBe('');

    const database: Database = databaseUrl
      ? await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 })
      : await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    try {
      const [end] = await database.db.select().from(lakeEvents).where(and(eq(lakeEvents.type, 'voice_session_end'), eq(lakeEvents.guildId, GUILD)));
      expect(end).toMatchObject({ actorId: ALICE, channelId: VOICE_CHANNEL, origin: 'gateway' });
      expect(await database.db.select().from(voiceSessions)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
