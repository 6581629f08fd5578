// The directory of names through the fake Discord: channel, role, guild and member names and
// avatars arrive from GUILD_CREATE and updates, follow renames and deletions, survive a restart
// (read through the API with the bot stopped), and hostile payloads are logged and skipped.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { guildChannels, guildRoles, guilds, members } from '../../src/db/schema.ts';
import { json } from '../support/app.ts';
import { BOT_USER_ID } from '../support/fake-discord.ts';
import { until, waitForLake, type BotHarness } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, CHANNEL, GUILD, LEVEL_ROLE, MOD_ROLE, VOICE_CHANNEL, category, guild, imageHash, member, message, role, textChannel, thread, voiceChannel } from './support/payloads.ts';

const CATEGORY = '1111111111111111120';
const NEW_CHANNEL = '1111111111111111122';
const HELPER_ROLE = '2222222222222222223';
const DAVE = '987654321098765499';
const CDN = 'https://cdn.discordapp.com';
const ICON = imageHash('guild icon');
const ALICE_AVATAR = imageHash('alice');
const BOB_AVATAR = imageHash('bob');
const BOB_GUILD_AVATAR = imageHash('bob in this guild');

/** A guild with a category, two channels, coloured roles and members with avatars. */
function community(overrides: Record<string, unknown> = {}) {
  return guild({
    icon: ICON,
    channels: [category(CATEGORY, { name: 'Community' }), textChannel(CHANNEL, { name: 'general', parent_id: CATEGORY, position: 1 }), voiceChannel(VOICE_CHANNEL, { name: 'Lounge', parent_id: CATEGORY, position: 2 })],
    roles: [role(GUILD, { name: '@everyone', position: 0 }), role(MOD_ROLE, { name: 'Moderator', color: 0x3498db, position: 2 }), role(LEVEL_ROLE, { name: 'Regular', color: 0x2ecc71, position: 1 })],
    members: [
      member(BOT_USER_ID, { user: { bot: true, username: 'cairn' } }),
      member(ALICE, { nick: 'Ali', roles: [LEVEL_ROLE], user: { username: 'alice', global_name: 'Alice', avatar: ALICE_AVATAR } }),
      member(BOB, { avatar: BOB_GUILD_AVATAR, user: { username: 'bob', global_name: 'Bob', avatar: BOB_AVATAR } }),
      member(CAROL, { roles: [MOD_ROLE], user: { username: 'carol' } }),
    ],
    ...overrides,
  });
}

// The API without a bot too: what the panel reads while the bot is offline.
const ctx = useBot({ preset: 'none', start: 'manual', app: true });

const directory = async (query = '') => json(await ctx.api.request(`/api/guilds/${GUILD}/directory${query}`));
const memberRow = async (userId: string) => (await ctx.database.db.select().from(members).where(and(eq(members.guildId, GUILD), eq(members.userId, userId))))[0];
const names = (entries: { name: string | null }[]) => entries.map((e) => e.name);

/** Writes what the bot queued, until `check` holds (gateway frames arrive asynchronously). */
function settled<T>(h: BotHarness, check: () => Promise<T>, what: string): Promise<T> {
  return until(
    async () => {
      await h.bot.directory.flush();
      await h.bot.members.flush();
      return check();
    },
    10_000,
    what,
  );
}

const warnings = (h: BotHarness, dispatch: string) => h.logs.filter((l) => l.msg === 'malformed gateway payload skipped' && l.dispatch === dispatch);

describe('the directory from the gateway', () => {
  it('stores channels, categories, roles, the guild icon and member names and avatars from GUILD_CREATE, and keeps them after the bot stops', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => (await ctx.database.db.select().from(guildRoles)).length === 3 && (await memberRow(CAROL)), 'the directory written');
    await ctx.stop();

    const body = await directory();
    expect(body.source).toBe('directory');
    expect(body.categories).toEqual([{ id: CATEGORY, name: 'Community', position: 0, deleted: false }]);
    expect(body.channels).toEqual([
      { id: CHANNEL, name: 'general', kind: 'text', parentId: CATEGORY, position: 1, deleted: false },
      { id: VOICE_CHANNEL, name: 'Lounge', kind: 'voice', parentId: CATEGORY, position: 2, deleted: false },
    ]);
    expect(body.roles).toEqual([
      { id: MOD_ROLE, name: 'Moderator', color: 0x3498db, position: 2, managed: false, everyone: false, memberCount: 1, deleted: false },
      { id: LEVEL_ROLE, name: 'Regular', color: 0x2ecc71, position: 1, managed: false, everyone: false, memberCount: 1, deleted: false },
      { id: GUILD, name: '@everyone', color: 0, position: 0, managed: false, everyone: true, memberCount: 0, deleted: false },
    ]);
    const [stored] = await ctx.database.db.select().from(guilds).where(eq(guilds.id, GUILD));
    expect(stored).toMatchObject({ name: 'Test Guild', iconUrl: `${CDN}/icons/${GUILD}/${ICON}.png?size=256` });
    expect(await memberRow(ALICE)).toMatchObject({ displayName: 'Ali', username: 'alice', avatarUrl: `${CDN}/avatars/${ALICE}/${ALICE_AVATAR}.png?size=256`, roles: [LEVEL_ROLE] });
    // A guild avatar wins over the account's.
    expect(await memberRow(BOB)).toMatchObject({ displayName: 'Bob', username: 'bob', avatarUrl: `${CDN}/guilds/${GUILD}/users/${BOB}/avatars/${BOB_GUILD_AVATAR}.png?size=256` });
    expect(await memberRow(CAROL)).toMatchObject({ displayName: 'carol', username: 'carol', avatarUrl: null });
  });

  it('follows renames, new entries and deletions of channels, roles, the guild and members', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => (await directory()).source === 'directory' && (await memberRow(CAROL)), 'the directory written');
    const { fake } = ctx.harness;
    fake.dispatch('CHANNEL_UPDATE', textChannel(CHANNEL, { name: 'chat', parent_id: CATEGORY, position: 1 }));
    fake.dispatch('CHANNEL_CREATE', textChannel(NEW_CHANNEL, { name: 'memes', position: 3 }));
    fake.dispatch('CHANNEL_DELETE', voiceChannel(VOICE_CHANNEL, { name: 'Lounge', parent_id: CATEGORY, position: 2 }));
    fake.dispatch('GUILD_ROLE_UPDATE', { guild_id: GUILD, role: role(LEVEL_ROLE, { name: 'Veteran', color: 0xe67e22, position: 1 }) });
    fake.dispatch('GUILD_ROLE_CREATE', { guild_id: GUILD, role: role(HELPER_ROLE, { name: 'Helper', color: 0x9b59b6, position: 3 }) });
    fake.dispatch('GUILD_ROLE_DELETE', { guild_id: GUILD, role_id: MOD_ROLE });
    const newIcon = imageHash('new icon');
    fake.dispatch('GUILD_UPDATE', { ...community({ name: 'Renamed Guild', icon: newIcon }), members: undefined, channels: undefined });
    fake.dispatch('GUILD_MEMBER_UPDATE', { ...member(ALICE, { nick: 'Alicia', roles: [LEVEL_ROLE], user: { username: 'alice', global_name: 'Alice', avatar: ALICE_AVATAR } }), guild_id: GUILD });
    fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: GUILD, user: { id: BOB, username: 'bob', discriminator: '0', avatar: BOB_AVATAR } });

    await settled(ctx.harness, async () => (await memberRow(BOB))?.leftAt && (await ctx.database.db.select().from(guilds))[0]?.name === 'Renamed Guild', 'the changes written');
    const body = await directory();
    expect(body.channels).toEqual([
      { id: CHANNEL, name: 'chat', kind: 'text', parentId: CATEGORY, position: 1, deleted: false },
      { id: NEW_CHANNEL, name: 'memes', kind: 'text', parentId: null, position: 3, deleted: false },
    ]);
    expect(names(body.roles)).toEqual(['Helper', 'Veteran', '@everyone']);
    expect(body.roles[1]).toMatchObject({ id: LEVEL_ROLE, color: 0xe67e22 });

    // Deleted entries are gone from the pickers but keep their names for history.
    const withDeleted = await directory('?deleted=include');
    expect(withDeleted.channels.at(-1)).toEqual({ id: VOICE_CHANNEL, name: 'Lounge', kind: 'voice', parentId: CATEGORY, position: 2, deleted: true });
    expect(withDeleted.roles.at(-1)).toMatchObject({ id: MOD_ROLE, name: 'Moderator', deleted: true });

    const [stored] = await ctx.database.db.select().from(guilds).where(eq(guilds.id, GUILD));
    expect(stored).toMatchObject({ name: 'Renamed Guild', iconUrl: `${CDN}/icons/${GUILD}/${newIcon}.png?size=256` });
    expect(await memberRow(ALICE)).toMatchObject({ displayName: 'Alicia', leftAt: null });
    const bob = await memberRow(BOB);
    expect(bob).toMatchObject({ displayName: 'Bob', username: 'bob', avatarUrl: `${CDN}/guilds/${GUILD}/users/${BOB}/avatars/${BOB_GUILD_AVATAR}.png?size=256` });
    expect(bob!.leftAt).toBeInstanceOf(Date);
  });

  it('marks what was deleted while the bot was offline at the next GUILD_CREATE, and takes offline renames', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => (await directory()).channels.length === 2, 'the directory written');
    const { fake } = ctx.harness;
    await ctx.stop({ fake: false });

    // While the bot is away the voice channel and the Moderator role go, and #general is renamed.
    const base = community();
    fake.guilds = [
      community({
        channels: base.channels.filter((c) => c.id !== VOICE_CHANNEL).map((c) => (c.id === CHANNEL ? { ...c, name: 'lobby' } : c)),
        roles: base.roles.filter((r) => r.id !== MOD_ROLE),
      }),
    ];
    try {
      await ctx.start({ fake });
      await settled(ctx.harness, async () => (await directory()).channels.length === 1 && (await directory()).roles.length === 2, 'the new GUILD_CREATE written');
    } finally {
      await ctx.stop();
    }
    const body = await directory('?deleted=include');
    expect(body.channels.map((c: { name: string; deleted: boolean }) => [c.name, c.deleted])).toEqual([
      ['lobby', false],
      ['Lounge', true],
    ]);
    expect(body.roles.map((r: { name: string; deleted: boolean }) => [r.name, r.deleted])).toEqual([
      ['Regular', false],
      ['@everyone', false],
      ['Moderator', true],
    ]);
  });

  it('brings a deleted channel back when Discord lists it again (an undeleted entry is live)', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => (await directory()).channels.length === 2, 'the directory written');
    ctx.harness.fake.dispatch('CHANNEL_DELETE', textChannel(CHANNEL));
    await settled(ctx.harness, async () => (await directory()).channels.length === 1, 'the deletion written');
    const [deleted] = await ctx.database.db.select().from(guildChannels).where(eq(guildChannels.channelId, CHANNEL));
    expect(deleted).toMatchObject({ name: 'general', deletedAt: expect.any(Date) });
    ctx.harness.fake.dispatch('CHANNEL_CREATE', textChannel(CHANNEL, { name: 'general-2' }));
    await settled(ctx.harness, async () => (await directory()).channels.length === 2, 'the channel back');
    expect(names((await directory()).channels)).toContain('general-2');
  });

  it('leaves threads out of the directory', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => (await directory()).channels.length === 2, 'the directory written');
    const threadId = '1111111111111111140';
    ctx.harness.fake.dispatch('CHANNEL_CREATE', { ...thread({ id: threadId }), newly_created: undefined });
    ctx.harness.fake.dispatch('THREAD_CREATE', thread({ id: threadId }));
    ctx.harness.fake.dispatch('CHANNEL_CREATE', textChannel(NEW_CHANNEL, { name: 'after-the-thread' }));
    await settled(ctx.harness, async () => (await directory()).channels.length === 3, 'the later channel written');
    expect((await ctx.database.db.select().from(guildChannels).where(eq(guildChannels.channelId, threadId))).length).toBe(0);
  });
});

describe('message authors', () => {
  it('refresh a name or avatar that changed, and write nothing while they stay the same', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => memberRow(CAROL), 'members written');
    const before = await memberRow(ALICE);
    const same = { author: ALICE, nick: 'Ali', authorUser: { username: 'alice', global_name: 'Alice', avatar: ALICE_AVATAR } };
    for (let i = 0; i < 30; i++) ctx.harness.fake.dispatch('MESSAGE_CREATE', message(same));
    await waitForLake(ctx.harness, ctx.database, 30, 'message_create');
    await ctx.harness.bot.members.flush();
    expect((await memberRow(ALICE))!.updatedAt).toEqual(before!.updatedAt);

    const avatar = imageHash('alice, later');
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ ...same, nick: 'Ali the Great', authorUser: { ...same.authorUser, avatar } }));
    // Someone Cairn has not stored yet (no member event for them): stored from their message.
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: DAVE, authorUser: { username: 'dave', global_name: 'Dave' } }));
    await settled(ctx.harness, async () => (await memberRow(ALICE))?.displayName === 'Ali the Great' && (await memberRow(DAVE)), 'the new name written');
    // Only the name and avatar: the message's member object does not rewrite roles.
    expect(await memberRow(ALICE)).toMatchObject({ avatarUrl: `${CDN}/avatars/${ALICE}/${avatar}.png?size=256`, roles: [LEVEL_ROLE] });
    expect(await memberRow(DAVE)).toMatchObject({ displayName: 'Dave', username: 'dave', avatarUrl: null, leftAt: null });
  });
});

describe('hostile directory payloads', () => {
  it('logs and skips channel names with NUL characters or 10,000 characters and malformed roles, and keeps running', async () => {
    const hostileGuild = community({
      channels: [...community().channels, textChannel('1111111111111111150', { name: 'nul\u0000name' }), textChannel('1111111111111111151', { name: 'x'.repeat(10_000) })],
      roles: [...community().roles, { id: '2222222222222222250', name: 'bad', color: 2 ** 53, position: 'top' }],
    });
    await ctx.start({ guildPayload: hostileGuild });
    await settled(ctx.harness, async () => (await directory()).roles.length === 3 && (await directory()).channels.length === 2, 'the good entries written');
    expect(warnings(ctx.harness, 'GUILD_CREATE').flatMap((l) => l.problems as string[])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^channels\.3\.name: contains a NUL/), 'channels.4.name: must be at most 100 characters', expect.stringMatching(/^roles\.3\.color: /)]),
    );

    const { fake } = ctx.harness;
    fake.dispatch('CHANNEL_CREATE', textChannel('1111111111111111152', { name: 'a\u0000b' }));
    fake.dispatch('CHANNEL_UPDATE', textChannel(CHANNEL, { name: 'y'.repeat(10_000), parent_id: CATEGORY }));
    fake.dispatch('GUILD_ROLE_CREATE', { guild_id: GUILD, role: { id: '2222222222222222251', color: 2 ** 53 } });
    fake.dispatch('GUILD_ROLE_UPDATE', { guild_id: GUILD, role: 'not a role' });
    fake.dispatch('GUILD_ROLE_DELETE', { guild_id: GUILD });
    fake.dispatch('GUILD_MEMBER_UPDATE', { ...member(ALICE, { nick: 'Al\u0000i', roles: [LEVEL_ROLE], user: { username: 'alice' } }), guild_id: GUILD });
    // Still running: a valid change after the hostile ones is applied.
    fake.dispatch('CHANNEL_CREATE', textChannel(NEW_CHANNEL, { name: 'still-here', position: 5 }));
    await settled(ctx.harness, async () => names((await directory()).channels).includes('still-here'), 'the valid channel written');

    const body = await directory('?deleted=include');
    expect(names(body.channels)).toEqual(['general', 'Lounge', 'still-here']);
    expect(names(body.roles)).toEqual(['Moderator', 'Regular', '@everyone']);
    expect(await memberRow(ALICE)).toMatchObject({ displayName: 'Ali' });
    for (const dispatch of ['CHANNEL_CREATE', 'CHANNEL_UPDATE', 'GUILD_ROLE_CREATE', 'GUILD_ROLE_UPDATE', 'GUILD_ROLE_DELETE']) {
      expect(warnings(ctx.harness, dispatch).length, dispatch).toBeGreaterThan(0);
    }
    expect(ctx.harness.logs.filter((l) => l.msg === 'listener failed' || l.msg === 'could not update the directory')).toEqual([]);
  });

  it('does not take a listed channel it could not read for deleted', async () => {
    await ctx.start({ guildPayload: community() });
    await settled(ctx.harness, async () => (await directory()).channels.length === 2, 'the directory written');
    const { fake } = ctx.harness;
    await ctx.stop({ fake: false });
    fake.guilds = [community({ channels: community().channels.map((c) => (c.id === CHANNEL ? { ...c, name: 'bad\u0000' } : c)) })];
    try {
      await ctx.start({ fake });
      await settled(ctx.harness, async () => warnings(ctx.harness, 'GUILD_CREATE').length > 0, 'the GUILD_CREATE read');
    } finally {
      await ctx.stop();
    }
    expect((await directory()).channels).toContainEqual(expect.objectContaining({ id: CHANNEL, name: 'general', deleted: false }));
  });
});
