// The demo guild: the classic preset's figures from a week of made-up activity (unchanged by the
// directory), and a believable community around them — names, roles, channels, a bot, one who left.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CHANNELS, DEMO_ROLES } from '../../src/app/demo-directory.ts';
import { DEMO_GUILD_ID, demoActivity, ensureDemoGuild } from '../../src/app/demo.ts';
import { queryRows } from '../../src/db/client.ts';
import { createTestApp, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
  expect(await ensureDemoGuild(database, api.services.pipeline, TEST_NOW)).toBe(true);
});
afterAll(async () => {
  await api.services.close();
});

const q = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);

describe('the demo guild', () => {
  it('pays the classic preset the same figures as before it had a directory', async () => {
    // Balances per member, in order …1000 to …1011: xp/level, stars, gold (measured before the
    // directory was seeded; the seed must not move them).
    const expected = [
      [1622, 13, 128, 600], [863, 10, 73, 450], [467, 7, 57, 300], [485, 8, 49, 350], [372, 6, 43, 250], [423, 7, 44, 300],
      [416, 7, 45, 300], [272, 5, 29, 200], [241, 4, 32, 150], [198, 4, 29, 150], [273, 5, 40, 200], [214, 4, 24, 150],
    ];
    const rows = await q<{ u: string; key: string; b: string; level: number | null }>(
      sql`SELECT w.user_id::text u, c.key, w.balance::text b, w.level FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.guild_id = ${DEMO_GUILD_ID} ORDER BY 1`,
    );
    const by = (u: string, key: string) => rows.find((r) => r.u === u && r.key === key);
    const actual = expected.map((_, i) => {
      const u = String(1000000000000001000n + BigInt(i));
      return [Number(by(u, 'xp')?.b), by(u, 'xp')?.level, Number(by(u, 'stars')?.b), Number(by(u, 'gold')?.b)];
    });
    expect(actual).toEqual(expected);
    expect(await q(sql`SELECT count(*)::int n, sum(delta)::int s FROM transactions WHERE guild_id = ${DEMO_GUILD_ID}`)).toEqual([{ n: 1056, s: 9839 }]);
    expect(await q(sql`SELECT count(*)::int n FROM member_milestones WHERE guild_id = ${DEMO_GUILD_ID}`)).toEqual([{ n: 34 }]);
  });

  it('names every member, with a username, roles and join dates spread over months; one bot, one who left', async () => {
    const rows = await q<{ u: string; name: string | null; username: string | null; avatar: string | null; roles: string[]; bot: boolean; joined: string; left: string | null }>(
      sql`SELECT user_id::text u, display_name name, username, avatar_url avatar, roles, is_bot bot, joined_at::text joined, left_at::text "left" FROM members WHERE guild_id = ${DEMO_GUILD_ID} ORDER BY user_id`,
    );
    expect(rows).toHaveLength(13);
    for (const r of rows) {
      expect(r.name).toMatch(/\S/);
      expect(r.username).toMatch(/^[a-z0-9._]+$/);
      expect(r.avatar).toBeNull(); // drawn from initials
      expect(r.roles.length).toBeGreaterThan(0);
    }
    expect(new Set(rows.map((r) => r.name)).size).toBe(13);
    expect(rows.some((r) => /\P{ASCII}/u.test(r.name!))).toBe(true); // accents or emoji
    expect(rows.filter((r) => r.bot).map((r) => r.name)).toEqual(['Cairn']);
    expect(rows.filter((r) => r.left)).toHaveLength(1);
    const joined = rows.map((r) => new Date(r.joined).getTime());
    expect((Math.max(...joined) - Math.min(...joined)) / 86_400_000).toBeGreaterThan(180);
    expect(rows.filter((r) => r.roles.includes(DEMO_ROLES.moderator)).length).toBeGreaterThanOrEqual(1);
  });

  it('has coloured roles with positions, @everyone being the guild id', async () => {
    const roles = await q<{ id: string; name: string; color: number; position: number }>(
      sql`SELECT role_id::text id, name, color, position FROM guild_roles WHERE guild_id = ${DEMO_GUILD_ID} ORDER BY position`,
    );
    expect(roles[0]).toEqual({ id: DEMO_GUILD_ID, name: '@everyone', color: 0, position: 0 });
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(['Moderator', 'Regular', 'Newcomer', 'Events']));
    expect(roles.slice(1).every((r) => r.color > 0)).toBe(true);
    expect(new Set(roles.map((r) => r.position)).size).toBe(roles.length);
  });

  it('has categories holding text and voice channels, and its activity happens in them (voice in a voice channel)', async () => {
    const channels = await q<{ id: string; name: string; type: number; parent: string | null }>(
      sql`SELECT channel_id::text id, name, type, parent_id::text parent FROM guild_channels WHERE guild_id = ${DEMO_GUILD_ID}`,
    );
    const named = (name: string) => channels.find((c) => c.name === name);
    expect(named('Community')?.type).toBe(4);
    expect(named('Voice')?.type).toBe(4);
    for (const text of ['general', 'help', 'showcase']) expect(named(text)).toMatchObject({ type: 0, parent: named('Community')!.id });
    expect(channels.filter((c) => c.type === 2).every((c) => c.parent === named('Voice')!.id)).toBe(true);
    const events = demoActivity(TEST_NOW);
    const kinds = new Map(channels.map((c) => [c.id, c.type]));
    for (const e of events) expect(kinds.get(e.channel_id!)).toBe(e.type === 'voice_session_end' ? 2 : 0);
    expect(events.some((e) => e.channel_id === DEMO_CHANNELS.lounge)).toBe(true);
  });

  it('names an older demo database that has no directory yet, once, and keeps names it already has', async () => {
    await database.db.execute(sql`DELETE FROM guild_roles WHERE guild_id = ${DEMO_GUILD_ID}`);
    await database.db.execute(sql`DELETE FROM guild_channels WHERE guild_id = ${DEMO_GUILD_ID}`);
    await database.db.execute(sql`UPDATE members SET display_name = NULL, username = NULL, roles = '{}' WHERE guild_id = ${DEMO_GUILD_ID} AND user_id <> 1000000000000001000`);
    await database.db.execute(sql`UPDATE members SET display_name = 'Maya (renamed)' WHERE guild_id = ${DEMO_GUILD_ID} AND user_id = 1000000000000001000`);
    await database.db.execute(sql`DELETE FROM members WHERE guild_id = ${DEMO_GUILD_ID} AND user_id = 1000000000000001005`);
    expect(await ensureDemoGuild(database, api.services.pipeline, TEST_NOW)).toBe(false);
    const names = await q<{ n: string | null }>(sql`SELECT display_name n FROM members WHERE guild_id = ${DEMO_GUILD_ID} ORDER BY user_id`);
    expect(names).toHaveLength(13);
    expect(names[0]!.n).toBe('Maya (renamed)');
    expect(names.every((r) => r.n)).toBe(true);
    expect(await q(sql`SELECT count(*)::int n FROM guild_roles WHERE guild_id = ${DEMO_GUILD_ID}`)).toEqual([{ n: 6 }]);
    // Again: nothing more, nothing changed.
    await database.db.execute(sql`UPDATE members SET display_name = 'Tomás F.' WHERE guild_id = ${DEMO_GUILD_ID} AND user_id = 1000000000000001001`);
    expect(await ensureDemoGuild(database, api.services.pipeline, TEST_NOW)).toBe(false);
    expect(await q(sql`SELECT display_name n FROM members WHERE guild_id = ${DEMO_GUILD_ID} AND user_id = 1000000000000001001`)).toEqual([{ n: 'Tomás F.' }]);
    expect(await q(sql`SELECT count(*)::int n FROM guild_channels WHERE guild_id = ${DEMO_GUILD_ID}`)).toEqual([{ n: 10 }]);
  });
});
