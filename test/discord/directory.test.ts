// GET /api/guilds/:guildId/directory: the channels, categories and roles the panel's pickers offer —
// from the directory the bot records (against the fake Discord), its live cache while nothing is
// recorded, ids inferred from stored data otherwise; credentials and guild scope are enforced.
// Renames, deletions and restarts are in directory-sync.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { guildChannels, guildRoles, guilds, members, zones } from '../../src/db/schema.ts';
import { createTestApp, json } from '../support/app.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { ALICE, ANNOUNCE_CHANNEL, BOB, CAROL, CHANNEL, GUILD, LEVEL_ROLE, MOD_ROLE, VOICE_CHANNEL, guild, textChannel } from './support/payloads.ts';
import { useDatabase } from './support/use-bot.ts';

const CATEGORY = '1111111111111111120';
const ZONED_CHANNEL = '1111111111111111121';
const SHOP_ROLE = '2222222222222222229';
const at = '2026-03-01T12:00:00.000Z';

const ctx = useDatabase({ preset: 'none', app: true });

beforeEach(async () => {
  await seedGuild(ctx.database);
  await seedGuild(ctx.database, { guildId: OTHER_GUILD });
});

const directory = (guildId = GUILD, token?: string | null) => ctx.api.request(`/api/guilds/${guildId}/directory`, token === undefined ? {} : { token });

describe('GET /api/guilds/:guildId/directory from stored data (no bot)', () => {
  beforeEach(async () => {
    const ingested = await ctx.api.services.pipeline.ingestEvents(
      [
        { source_id: 'm1', type: 'message_create', guild_id: GUILD, actor_id: ALICE, target_id: null, channel_id: CHANNEL, occurred_at: at, data: { length: 5 } },
        { source_id: 'm2', type: 'message_create', guild_id: GUILD, actor_id: BOB, target_id: null, channel_id: CHANNEL, occurred_at: at, data: { length: 5 } },
        { source_id: 'v1', type: 'voice_session_end', guild_id: GUILD, actor_id: ALICE, target_id: null, channel_id: VOICE_CHANNEL, occurred_at: at, data: { duration_seconds: 60 } },
        { source_id: 'o1', type: 'message_create', guild_id: OTHER_GUILD, actor_id: ALICE, target_id: null, channel_id: '1111111111111111199', occurred_at: at, data: { length: 5 } },
      ],
      'api',
    );
    expect(ingested.accepted).toBe(4);
    await ctx.database.db.insert(zones).values({ guildId: GUILD, key: 'help', name: 'Help', channelIds: [ZONED_CHANNEL] });
    await ctx.database.db.update(guilds).set({ settings: { admin_role_ids: [MOD_ROLE], announce_channel_id: ANNOUNCE_CHANNEL } }).where(eq(guilds.id, GUILD));
    await ctx.database.db.insert(members).values([
      { guildId: GUILD, userId: ALICE, roles: [LEVEL_ROLE] },
      { guildId: GUILD, userId: BOB, roles: [LEVEL_ROLE, MOD_ROLE] },
      { guildId: GUILD, userId: CAROL, roles: [LEVEL_ROLE], leftAt: new Date(at) },
    ]);
  });

  it('lists channels seen in events, zones and settings, with kinds guessed from the events, and roles with member counts', async () => {
    const res = await directory();
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({
      guildId: GUILD,
      source: 'stored',
      categories: [],
      channels: [
        { id: CHANNEL, name: null, kind: 'text', parentId: null, position: null, deleted: false },
        { id: VOICE_CHANNEL, name: null, kind: 'voice', parentId: null, position: null, deleted: false },
        { id: ZONED_CHANNEL, name: null, kind: 'unknown', parentId: null, position: null, deleted: false },
        { id: ANNOUNCE_CHANNEL, name: null, kind: 'unknown', parentId: null, position: null, deleted: false },
      ],
      roles: [
        { id: LEVEL_ROLE, name: null, color: null, position: null, managed: null, everyone: false, memberCount: 2, deleted: false },
        { id: MOD_ROLE, name: null, color: null, position: null, managed: null, everyone: false, memberCount: 1, deleted: false },
      ],
    });
  });

  it('includes roles named only in settings or shop items', async () => {
    await ctx.database.db.update(guilds).set({ settings: { admin_role_ids: [SHOP_ROLE] } }).where(eq(guilds.id, OTHER_GUILD));
    const body = await json(await directory(OTHER_GUILD));
    expect(body.channels).toEqual([{ id: '1111111111111111199', name: null, kind: 'text', parentId: null, position: null, deleted: false }]);
    expect(body.roles).toEqual([{ id: SHOP_ROLE, name: null, color: null, position: null, managed: null, everyone: false, memberCount: 0, deleted: false }]);
  });

  it('answers 422 with the field path to an unknown ?deleted= value, and 404 to another guild id even with the query', async () => {
    const res = await ctx.api.request(`/api/guilds/${GUILD}/directory?deleted=${'x'.repeat(10_000)}`);
    expect(res.status).toBe(422);
    expect((await json(res)).error).toMatchObject({ code: 'validation_failed', details: [{ path: 'deleted' }] });
    expect((await ctx.api.request('/api/guilds/1160511689263940000/directory?deleted=include')).status).toBe(404);
  });

  it('answers 401 without credentials', async () => {
    const res = await directory(GUILD, null);
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthorized');
  });

  it('answers 403 to a token scoped to another guild, revealing nothing', async () => {
    const issued = await json(await ctx.api.request('/api/tokens', { method: 'POST', json: { name: 'other admin', guildIds: [OTHER_GUILD] } }));
    expect((await directory(OTHER_GUILD, issued.token)).status).toBe(200);
    const res = await directory(GUILD, issued.token);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await json(res))).not.toContain(CHANNEL);
  });

  it('answers 404 for a guild Cairn does not know', async () => {
    expect((await directory('1160511689263940000')).status).toBe(404);
  });

  it('is documented in the OpenAPI document with its response schema', async () => {
    const doc = await json(await ctx.api.request('/api/openapi.json'));
    const op = doc.paths['/api/guilds/{guildId}/directory'].get;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
    expect(JSON.stringify(op.responses['200'])).toContain('GuildDirectory');
    expect(Object.keys(doc.components.schemas.GuildDirectory.properties)).toEqual(['guildId', 'source', 'categories', 'channels', 'roles']);
  });
});

describe('GET /api/guilds/:guildId/directory with the bot running', () => {
  let fake: FakeDiscord;
  let live: Awaited<ReturnType<typeof createTestApp>>;

  beforeEach(async () => {
    const channels = [
      { id: CATEGORY, type: 4, guild_id: GUILD, name: 'Community', position: 0, permission_overwrites: [], parent_id: null, nsfw: false },
      ...guild().channels.map((c) =>
        c.id === CHANNEL ? { ...c, parent_id: CATEGORY } : c.id === ANNOUNCE_CHANNEL ? textChannel(ANNOUNCE_CHANNEL, { type: 5, name: 'news', position: 3 }) : c,
      ),
    ];
    fake = await FakeDiscord.start({ guilds: [guild({ channels })] });
    live = await createTestApp(ctx.database, { DISCORD_TOKEN: 'fake-token', DISCORD_API_URL: fake.apiUrl });
    await live.services.discord!.start();
    await live.services.discord!.ready();
    // Role member counts come from the members the bot wrote (Carol is a moderator).
    await live.services.discord!.members.flush();
  });
  afterEach(async () => {
    await live.services.discord!.stop();
    await fake.close();
  });

  const expectNamedDirectory = (body: any) => {
    expect(body.categories).toEqual([{ id: CATEGORY, name: 'Community', position: 0, deleted: false }]);
    expect(body.channels).toContainEqual({ id: CHANNEL, name: `text-${CHANNEL.slice(-3)}`, kind: 'text', parentId: CATEGORY, position: 0, deleted: false });
    expect(body.channels).toContainEqual({ id: VOICE_CHANNEL, name: `voice-${VOICE_CHANNEL.slice(-3)}`, kind: 'voice', parentId: null, position: 1, deleted: false });
    expect(body.channels).toContainEqual({ id: ANNOUNCE_CHANNEL, name: 'news', kind: 'announcement', parentId: null, position: 3, deleted: false });
    expect(body.channels.map((c: { id: string }) => c.id)).not.toContain(CATEGORY);
    expect(body.roles).toEqual([
      { id: LEVEL_ROLE, name: 'Regular', color: 0, position: 2, managed: false, everyone: false, memberCount: 0, deleted: false },
      { id: MOD_ROLE, name: 'Moderator', color: 0, position: 1, managed: false, everyone: false, memberCount: 1, deleted: false },
      { id: GUILD, name: '@everyone', color: 0, position: 0, managed: false, everyone: true, memberCount: 0, deleted: false },
    ]);
  };

  it('lists the channels, categories and roles the bot recorded, with names, kinds and positions', async () => {
    await live.services.discord!.directory.flush();
    const res = await live.request(`/api/guilds/${GUILD}/directory`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.source).toBe('directory');
    expectNamedDirectory(body);
  });

  it("falls back to the bot's live cache while nothing is recorded yet", async () => {
    await live.services.discord!.directory.flush();
    await ctx.database.db.delete(guildChannels);
    await ctx.database.db.delete(guildRoles);
    const body = await json(await live.request(`/api/guilds/${GUILD}/directory`));
    expect(body.source).toBe('discord');
    expectNamedDirectory(body);
  });
});
