// Issue 18, privacy: a member's export holds every row that names them, table by table (found by
// scanning every column of every table, not from Cairn's own list), and after an erasure no table
// holds their id or name, while balances, guild totals and `cairn doctor` stay as they were and a
// replay of one of their old events is not paid again.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { SECTION_TABLES } from '../../src/privacy/privacy.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CHANNEL, GUILD, messageEvent, OTHER_GUILD } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const ALICE_NAMES = { username: 'alice_wonder', display_name: 'Alice Wonderland' };

/** Every user table (partitions read through their parent) and its columns that could hold an id or a name. */
async function searchableColumns(): Promise<Map<string, { column: string; type: string }[]>> {
  const rows = await queryRows<{ t: string; c: string; ty: string }>(database.db, sql`
    SELECT c.table_name AS t, c.column_name AS c, c.data_type AS ty
    FROM information_schema.columns c
    JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = 'public'::regnamespace
    WHERE c.table_schema = 'public' AND k.relkind IN ('r', 'p') AND NOT k.relispartition
      AND c.data_type IN ('bigint', 'text', 'character varying', 'jsonb', 'json', 'ARRAY')`);
  const out = new Map<string, { column: string; type: string }[]>();
  for (const r of rows) (out.get(r.t) ?? out.set(r.t, []).get(r.t)!).push({ column: r.c, type: r.ty });
  return out;
}

/** Per table, how many rows hold `needle` (as a bigint equal to it, or anywhere in a text, JSON or array value). */
async function rowsHolding(needle: string, options: { asId: boolean }): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const [table, columns] of await searchableColumns()) {
    const tests = columns.flatMap(({ column, type }) => {
      const col = sql.raw(`"${column}"`);
      if (type === 'bigint') return options.asId ? [sql`${col} = ${needle}::bigint`] : [];
      return [sql`${col}::text LIKE ${`%${needle}%`}`];
    });
    if (tests.length === 0) continue;
    const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(`"${table}"`)} WHERE ${sql.join(tests, sql` OR `)}`);
    if (row!.n > 0) found[table] = row!.n;
  }
  return found;
}

const post = (guildId: string, events: unknown[]) => api.request(`/api/guilds/${guildId}/events`, { method: 'POST', json: events });
const totals = async (guildId: string) => queryRows<{ currency_id: number; balance: string; lifetime: string; n: number }>(database.db, sql`
  SELECT w.currency_id, sum(w.balance)::text AS balance, sum(w.lifetime_earned)::text AS lifetime,
         (SELECT count(*)::int FROM transactions t WHERE t.guild_id = ${guildId} AND t.currency_id = w.currency_id) AS n
  FROM wallets w WHERE w.guild_id = ${guildId} GROUP BY w.currency_id ORDER BY w.currency_id`);

let aliceEvent: ReturnType<typeof messageEvent>;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
  const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../../presets/classic.json', import.meta.url), 'utf8')));
  if (!recipe.ok) throw new Error('classic preset does not parse');
  for (const guildId of [GUILD, OTHER_GUILD]) {
    const imported = await importRecipe(database.db, guildId, recipe.recipe, { actor: 'test' });
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    await api.services.configs.reload(guildId);
    for (const [user, names] of [[ALICE, ALICE_NAMES], [BOB, { username: 'bob_builder', display_name: 'Bob' }]] as const) {
      await database.db.execute(sql`INSERT INTO members (guild_id, user_id, username, display_name, roles, joined_at)
        VALUES (${guildId}, ${user}, ${names.username}, ${names.display_name}, '{}', '2026-11-01T00:00:00Z')`);
    }
  }
  // A history for both: Alice writes, Bob reacts to her (Alice is the target), both across days.
  const events: unknown[] = [];
  for (let day = 1; day <= 8; day++) {
    for (let i = 0; i < 6; i++) {
      const at = `2026-11-${String(10 + day).padStart(2, '0')}T1${i}:00:00.000Z`;
      events.push(messageEvent({ actor_id: ALICE, occurred_at: at, data: { length: 200 + i * 40, has_code_block: i === 2, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 1, is_reply: false } }));
      events.push(messageEvent({ actor_id: BOB, occurred_at: at, data: { length: 120, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false } }));
      if (i % 2 === 0) events.push({ ...messageEvent({ actor_id: BOB, occurred_at: at }), type: 'reaction_add', target_id: ALICE, channel_id: CHANNEL, data: { emoji: '👍', message_id: '1300000000000000001' } });
    }
  }
  aliceEvent = events[0] as ReturnType<typeof messageEvent>;
  for (const guildId of [GUILD, OTHER_GUILD]) {
    const res = await post(guildId, events.map((e) => ({ ...(e as object), guild_id: guildId, source_id: `${guildId.slice(-3)}-${(e as { source_id: string }).source_id}` })));
    expect(res.status, await res.clone().text()).toBe(200);
  }
  // How Alice joined (Bob's invite) and a member she invited: rows of member_invites both ways.
  for (const guildId of [GUILD, OTHER_GUILD]) {
    await database.db.execute(sql`INSERT INTO member_invites (guild_id, user_id, via, invite_code, inviter_id, joined_at) VALUES
      (${guildId}, ${ALICE}, 'code', 'bobcode', ${BOB}, '2026-11-01T00:00:00Z'), (${guildId}, '987654321098765499', 'code', 'alicecode', ${ALICE}, '2026-11-05T00:00:00Z')`);
  }
  // A stored suggestion whose backtest names Alice among those who would reach its milestone.
  for (const guildId of [GUILD, OTHER_GUILD]) {
    const backtest = { kind: 'milestone', days: 30, from: '2026-10-20T00:00:00.000Z', to: '2026-11-19T00:00:00.000Z', metric: 'messages sent', threshold: 40, active_members: 2, reached: 1, reached_share: 0.5,
      members: [{ user_id: ALICE, value: 48 }], already_qualified: 1, percentiles: { p50: 48, p90: 48, p99: 48 } };
    await database.db.execute(sql`INSERT INTO suggestions (guild_id, kind, source, fingerprint, title, explanation, proposal, backtest)
      VALUES (${guildId}, 'milestone_threshold', 'statistics', 'milestone:messages', 'A milestone at 40 messages', 'Reached by 1 of 2 active members.', '{}'::jsonb, ${JSON.stringify(backtest)}::jsonb)`);
  }
  // An admin's grant to Alice: an audit entry and a manual award naming her.
  const grant = await api.request(`/api/guilds/${GUILD}/members/${ALICE}/award`, { method: 'POST', json: { currency: 'gold', amount: 5, reason: 'helped Alice Wonderland' } });
  expect(grant.status, await grant.clone().text()).toBeLessThan(300);
});
afterAll(async () => {
  await database.close();
});

describe("a member's data, exported and erased", () => {
  it('the export holds every row that names the member, table by table', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/members/${ALICE}/export`);
    expect(res.status).toBe(200);
    const document = await json(res);
    expect(document).toMatchObject({ format: 'cairn-member-export/1', guild_id: GUILD, user_id: ALICE, profile: { username: ALICE_NAMES.username } });
    expect(document.balances.length).toBeGreaterThan(0);
    expect(document.transactions.length).toBeGreaterThan(0);
    expect(document.transactions.every((t: { reason: string | null }) => t.reason !== undefined)).toBe(true);
    expect(document.events.some((e: { type: string }) => e.type === 'reaction_add')).toBe(true);
    // Rows naming Alice in this guild, found by scanning the database; the other guild's are not hers to export here.
    const inGuild = async () => {
      const found: Record<string, number> = {};
      for (const [table, columns] of await searchableColumns()) {
        if (!columns.some((c) => c.column === 'guild_id')) continue;
        const tests = columns.flatMap(({ column, type }) => (type === 'bigint' ? (column === 'guild_id' ? [] : [sql`${sql.raw(`"${column}"`)} = ${ALICE}::bigint`]) : [sql`${sql.raw(`"${column}"`)}::text LIKE ${`%${ALICE}%`}`]));
        if (tests.length === 0) continue;
        const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(`"${table}"`)} WHERE guild_id = ${GUILD} AND (${sql.join(tests, sql` OR `)})`);
        if (row!.n > 0) found[table] = row!.n;
      }
      return found;
    };
    const expected = await inGuild();
    expect(Object.keys(expected).length).toBeGreaterThan(8);
    for (const [table, n] of Object.entries(expected)) {
      const section = (SECTION_TABLES as Record<string, string>)[table];
      const exported = section === 'profile' ? (document.profile ? 1 : 0) : (section ? document[section] : document.tables[table])?.length ?? 0;
      expect(exported, `rows of ${table} in the export${section ? ` (${section})` : ''}`).toBeGreaterThanOrEqual(n);
    }
  });

  it('after erasure no table holds the id or the name; balances, guild totals and the doctor are unchanged; a replay is not paid', async () => {
    const before = await totals(GUILD);
    const bobBefore = await queryRows(database.db, sql`SELECT currency_id, balance::text FROM wallets WHERE guild_id = ${GUILD} AND user_id = ${BOB} ORDER BY 1`);
    const otherGuildBefore = await queryRows(database.db, sql`SELECT count(*)::int AS n FROM transactions WHERE guild_id = ${OTHER_GUILD} AND user_id = ${ALICE}`);
    const res = await api.request(`/api/guilds/${GUILD}/members/${ALICE}`, { method: 'DELETE' });
    expect(res.status, await res.clone().text()).toBe(200);
    const summary = await json(res);
    expect(summary.erased).toBe(true);
    expect(summary.deleted.lake_events).toBeGreaterThan(0);
    expect(summary.pseudonymized.transactions).toBeGreaterThan(0);

    // Nothing in this guild names Alice, by id or by name (the other guild keeps its own data).
    const scoped = async (needle: string, asId: boolean) => Object.fromEntries(
      await Promise.all(Object.entries(await rowsHolding(needle, { asId })).map(async ([table]) => {
        const hasGuild = (await searchableColumns()).get(table)!.some((c) => c.column === 'guild_id');
        if (!hasGuild) return [table, -1] as const;
        const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(`"${table}"`)} x WHERE guild_id = ${GUILD} AND to_jsonb(x)::text LIKE ${`%${needle}%`}`);
        return [table, row!.n] as const;
      })),
    );
    const leftId = Object.entries(await scoped(ALICE, true)).filter(([, n]) => n !== 0);
    expect(leftId, 'tables still naming the id in this guild (or without a guild)').toEqual([]);
    for (const name of [ALICE_NAMES.username, ALICE_NAMES.display_name]) {
      const leftName = Object.entries(await scoped(name, false)).filter(([, n]) => n !== 0);
      expect(leftName, `tables still holding "${name}"`).toEqual([]);
    }

    // The guild's totals and Bob's balances are as before; the ledger's invariants hold.
    expect(await totals(GUILD)).toEqual(before);
    expect(await queryRows(database.db, sql`SELECT currency_id, balance::text FROM wallets WHERE guild_id = ${GUILD} AND user_id = ${BOB} ORDER BY 1`)).toEqual(bobBefore);
    expect(await checkLedger(database.db)).toEqual([]);
    expect(await queryRows(database.db, sql`SELECT count(*)::int AS n FROM transactions WHERE guild_id = ${OTHER_GUILD} AND user_id = ${ALICE}`)).toEqual(otherGuildBefore);
    // The member she invited keeps their row (the inviters' counts stay), its inviter unnamed.
    expect(await queryRows(database.db, sql`SELECT via, invite_code, (inviter_id < 0) AS unnamed FROM member_invites WHERE guild_id = ${GUILD}`)).toEqual([{ via: 'code', invite_code: 'alicecode', unnamed: true }]);

    // The audit entry says what was done, by whom, never to whom.
    const [entry] = await queryRows<{ actor: string; entity_key: string | null; after: unknown }>(database.db, sql`SELECT actor, entity_key, after FROM audit_log WHERE guild_id = ${GUILD} AND action = 'member.erase'`);
    expect(entry).toMatchObject({ actor: 'operator', entity_key: null });
    expect(JSON.stringify(entry)).not.toContain(ALICE);

    // A replay of one of her old events is a duplicate, never paid again.
    const paid = (await totals(GUILD)).reduce((n, t) => n + t.n, 0);
    const replay = await post(GUILD, [{ ...aliceEvent, guild_id: GUILD, source_id: `${GUILD.slice(-3)}-${aliceEvent.source_id}` }]);
    expect(await json(replay)).toMatchObject({ accepted: 0, duplicate: 1 });
    expect((await totals(GUILD)).reduce((n, t) => n + t.n, 0)).toBe(paid);

    // Asked again: nothing is left to export or erase.
    expect((await api.request(`/api/guilds/${GUILD}/members/${ALICE}/export`)).status).toBe(404);
    expect((await api.request(`/api/guilds/${GUILD}/members/${ALICE}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('the ledger stays append-only: an erasure may change whom a row names, never an amount, and nothing else may change it', async () => {
    const [row] = await queryRows<{ id: string }>(database.db, sql`SELECT id::text FROM transactions WHERE guild_id = ${GUILD} AND user_id = ${BOB} LIMIT 1`);
    await expect(database.db.execute(sql`UPDATE transactions SET user_id = -1 WHERE id = ${row!.id}`)).rejects.toThrow();
    await expect(database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('cairn.erasure', 'on', true)`);
      await tx.execute(sql`UPDATE transactions SET delta = delta + 1, user_id = -1 WHERE id = ${row!.id}`);
    })).rejects.toThrow();
    await expect(database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('cairn.erasure', 'on', true)`);
      await tx.execute(sql`DELETE FROM transactions WHERE id = ${row!.id}`);
    })).rejects.toThrow();
    expect(await queryRows(database.db, sql`SELECT user_id::text FROM transactions WHERE id = ${row!.id}`)).toEqual([{ user_id: BOB }]);
  });

  it('refuses a malformed member id with its field path, changing nothing', async () => {
    for (const bad of ['12ab', '1'.repeat(30)]) {
      const res = await api.request(`/api/guilds/${GUILD}/members/${bad}`, { method: 'DELETE' });
      expect(res.status).toBe(422);
      expect((await json(res)).error.details[0].path).toBe('userId');
    }
    const nul = await api.request(`/api/guilds/${GUILD}/members/%00`, { method: 'DELETE' });
    expect(nul.status).toBe(400);
    expect((await queryRows(database.db, sql`SELECT 1 FROM audit_log WHERE action = 'member.erase'`)).length).toBe(1);
  });
});
