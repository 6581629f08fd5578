// Channel, role and guild payloads on their way to the directory: threads and DMs left out, hostile
// names and numbers refused with field paths, one bad entry of a list not costing the others.
import { describe, expect, it } from 'vitest';
import { parseChannelDelete, parseChannelEvent, parseChannelList } from '../../../src/discord/normalize/channel.ts';
import { parseGuild } from '../../../src/discord/normalize/guild.ts';
import { parseRoleDelete, parseRoleEvent, parseRoleList } from '../../../src/discord/normalize/role.ts';
import { CHANNEL, GUILD, MOD_ROLE, category, guild, imageHash, role, textChannel, thread, voiceChannel } from '../support/payloads.ts';

const CATEGORY = '1111111111111111120';

describe('channel normalizers', () => {
  it('reads a channel with its kind, category and position', () => {
    expect(parseChannelEvent(textChannel(CHANNEL, { name: 'general', parent_id: CATEGORY, position: 3 }))).toEqual({
      ok: true,
      record: { guildId: GUILD, channelId: CHANNEL, name: 'general', type: 0, parentId: CATEGORY, position: 3 },
    });
    expect(parseChannelEvent(category(CATEGORY, { name: 'Community' }))).toMatchObject({ ok: true, record: { type: 4, name: 'Community', parentId: null } });
  });

  it('leaves threads and DM channels out of the directory', () => {
    expect(parseChannelEvent(thread())).toMatchObject({ ok: true, record: null, skipped: 'a thread' });
    const { guild_id: _guild, ...dm } = textChannel(CHANNEL, { type: 1 });
    expect(parseChannelEvent(dm)).toMatchObject({ ok: true, record: null, skipped: 'not a guild channel' });
    expect(parseChannelDelete({ ...thread(), type: 11 })).toMatchObject({ ok: true, record: null });
  });

  it('refuses names with NUL characters, 10,000 characters or none, and positions past 2^31, with field paths', () => {
    expect(parseChannelEvent(textChannel(CHANNEL, { name: 'gen\u0000eral' }))).toMatchObject({ ok: false, problems: [expect.stringMatching(/^name: contains a NUL character/)] });
    expect(parseChannelEvent(textChannel(CHANNEL, { name: 'x'.repeat(10_000) }))).toEqual({ ok: false, problems: ['name: must be at most 100 characters'] });
    expect(parseChannelEvent(textChannel(CHANNEL, { name: '' }))).toEqual({ ok: false, problems: ['name: must not be empty'] });
    expect(parseChannelEvent(textChannel(CHANNEL, { position: 2 ** 53 }))).toMatchObject({ ok: false, problems: expect.arrayContaining(['position: Too big: expected number to be <=2147483647']) });
    expect(parseChannelEvent(textChannel(CHANNEL, { guild_id: 'x' }))).toEqual({ ok: false, problems: ['guild_id: must be a snowflake'] });
    // 100 emoji are 200 UTF-16 units but 100 characters: a legitimate name.
    expect(parseChannelEvent(textChannel(CHANNEL, { name: '🎉'.repeat(100) }))).toMatchObject({ ok: true });
  });

  it("reads GUILD_CREATE's list entry by entry: a bad entry is reported and still counts as present", () => {
    const list = parseChannelList(GUILD, { channels: [textChannel(CHANNEL), textChannel('1111111111111111130', { name: 'bad\u0000' }), { type: 0 }, voiceChannel('1111111111111111131'), textChannel(CHANNEL, { name: 'again' })] });
    expect(list?.records.map((r) => [r.channelId, r.name])).toEqual([
      [CHANNEL, 'again'],
      ['1111111111111111131', 'voice-131'],
    ]);
    expect(list?.presentIds).toEqual([CHANNEL, '1111111111111111130', '1111111111111111131']);
    expect(list?.problems).toEqual([expect.stringMatching(/^channels\.1\.name: contains a NUL/), 'channels.2.id: is required', 'channels.2.name: Invalid input: expected string, received undefined']);
    expect(parseChannelList(GUILD, {})).toBeUndefined();
    expect(parseChannelList(GUILD, { channels: 'all' })).toEqual({ records: [], problems: ['channels: must be an array'], presentIds: [] });
  });
});

describe('role normalizers', () => {
  it('reads a role with its colour (the newer `colors` first), position and managed flag', () => {
    expect(parseRoleEvent({ guild_id: GUILD, role: role(MOD_ROLE, { name: 'Moderator', color: 0x3498db, position: 4, managed: true }) })).toEqual({
      ok: true,
      record: { guildId: GUILD, roleId: MOD_ROLE, name: 'Moderator', color: 0x3498db, position: 4, managed: true },
    });
    expect(parseRoleEvent({ guild_id: GUILD, role: { id: MOD_ROLE, name: 'Old API', color: 0xff0000, position: 1 } })).toMatchObject({ ok: true, record: { color: 0xff0000, managed: false } });
  });

  it('refuses a malformed role with field paths', () => {
    expect(parseRoleEvent({ guild_id: GUILD, role: { id: MOD_ROLE, color: 2 ** 53, position: 'top' } })).toMatchObject({
      ok: false,
      problems: expect.arrayContaining(['role.name: Invalid input: expected string, received undefined', 'role.color: Too big: expected number to be <=16777215', 'role.position: Invalid input: expected number, received string']),
    });
    expect(parseRoleEvent({ guild_id: GUILD })).toMatchObject({ ok: false });
    expect(parseRoleEvent(null)).toMatchObject({ ok: false });
    expect(parseRoleDelete({ guild_id: GUILD, role_id: 12 })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^role_id: /)] });
  });

  it("reads GUILD_CREATE's roles, @everyone included", () => {
    const list = parseRoleList(GUILD, guild());
    expect(list?.records.map((r) => r.name)).toEqual(['@everyone', 'Moderator', 'Regular']);
  });
});

describe('guild normalizer', () => {
  it('builds the icon URL from its hash, and tells "no icon" from "not said"', () => {
    const hash = imageHash('guild');
    expect(parseGuild(guild({ icon: hash }))).toEqual({ ok: true, record: { guildId: GUILD, name: 'Test Guild', iconUrl: `https://cdn.discordapp.com/icons/${GUILD}/${hash}.png?size=256` } });
    expect(parseGuild(guild())).toMatchObject({ record: { iconUrl: null } });
    expect(parseGuild({ id: GUILD, name: 'No icon field' })).toMatchObject({ record: { iconUrl: undefined } });
  });

  it('cleans a hostile guild name (the guild row must exist) and refuses one with nothing left', () => {
    expect(parseGuild(guild({ name: 'Te\u0000st' + 'x'.repeat(10_000) }))).toMatchObject({ ok: true, record: { name: `Test${'x'.repeat(96)}` } });
    expect(parseGuild(guild({ name: '\u0000' }))).toEqual({ ok: false, problems: ['name: must not be empty'] });
  });
});
