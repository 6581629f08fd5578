// Issue 17, the single-event path: what a batch's wallet lock and reads cost must depend on the
// batch's members, not on the size of their guild. Hot-path statements are prepared, and Postgres
// soon plans a prepared statement once for any parameters (a generic plan). `user_id = ANY(list)`
// with a list of unknown length was planned as a scan of every row the guild has (each wallet,
// each firing of the rule in the window, each member's daily counters in the window), filtered by
// member: a ten-member batch read all 3,000 members' rows here. This test replays the statements one
// request sends, each under a generic plan, and counts the rows their scans visit.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { lockExistingWallets } from '../../src/ledger/ledger-sql.ts';
import { lockWallets } from '../../src/ledger/wallet-locks.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { createTestApp } from '../support/app.ts';
import { importClassicPreset, onStatements } from '../support/classic.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const captured: { query: string; params: unknown[] }[] = [];
let capturing = false;

/** Other members of the guild, each with wallets, a recent firing of every limited rule and counters. */
const OTHERS = 3000;
const FIRST_OTHER = 800000000000000000n;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
  await importClassicPreset(database, api.services.configs, GUILD);
  const members = sql`SELECT (${String(FIRST_OTHER)}::bigint + n) AS id FROM generate_series(1, ${OTHERS}) AS n`;
  await database.db.execute(sql`INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned)
    SELECT ${GUILD}, m.id, c.id, 100, 100 FROM (${members}) AS m CROSS JOIN currencies c WHERE c.guild_id = ${GUILD}`);
  await database.db.execute(sql`INSERT INTO rule_firings (guild_id, rule_id, rule_version, actor_id, channel_id, at)
    SELECT ${GUILD}, r.id, 1, m.id, 705, '2026-11-22T09:59:30Z' FROM (${members}) AS m CROSS JOIN rules r WHERE r.guild_id = ${GUILD}`);
  for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) {
    await database.db.execute(sql`INSERT INTO event_counters_daily (guild_id, user_id, event_type, side, day, count, value_sum)
      SELECT ${GUILD}, m.id, 'message_create', 'actor', ${day}::date, 3, 900 FROM (${members}) AS m`);
  }
  await database.db.execute(sql`INSERT INTO event_counters_total (guild_id, user_id, event_type, side, channel_id, count, value_sum)
    SELECT ${GUILD}, m.id, 'message_create', 'actor', 705, 9, 2700 FROM (${members}) AS m`);
  onStatements(database, (query, params) => {
    if (capturing) captured.push({ query, params });
  });
});
afterAll(async () => {
  await database?.close();
});

/** A parameter as an SQL literal for EXECUTE (its type comes from the prepared statement). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows each table's scans visited (returned or filtered out), over all loops. */
function rowsVisited(node: PlanNode, into = new Map<string, number>()): Map<string, number> {
  if (node['Relation Name'] && /Scan/.test(node['Node Type'])) {
    const loops = node['Actual Loops'] ?? 1;
    const visited = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
    into.set(node['Relation Name'], (into.get(node['Relation Name']) ?? 0) + visited);
  }
  for (const child of node.Plans ?? []) rowsVisited(child, into);
  return into;
}

/** Runs the statement as a prepared statement under its generic plan (then rolls back): rows visited per table. */
let probes = 0;

async function genericPlanRows(statement: { query: string; params: unknown[] }): Promise<Map<string, number>> {
  let visited = new Map<string, number>();
  const name = `scale_probe_${++probes}`;
  await database.db
    .transaction(async (tx) => {
      await tx.execute(sql.raw('SET LOCAL plan_cache_mode = force_generic_plan'));
      await tx.execute(sql.raw(`PREPARE ${name} AS ${statement.query}`));
      const args = statement.params.map(literal).join(', ');
      const [row] = await queryRows<Record<string, unknown>>(tx, sql.raw(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${name}${args ? `(${args})` : ''}`));
      const plan = Object.values(row!)[0];
      const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: PlanNode }[];
      visited = rowsVisited(parsed[0]!.Plan);
      await tx.execute(sql.raw(`DEALLOCATE ${name}`));
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
  return visited;
}

class RollBack extends Error {}

describe('a request of ten new events in a guild of 3,000 members', () => {
  it('locks and reads only its own members’ rows, whatever the guild holds', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => messageEvent({ actor_id: String(FIRST_OTHER + BigInt(1 + i * 97)), occurred_at: `2026-11-22T10:0${i}:00.000Z` }));
    captured.length = 0;
    capturing = true;
    try {
      const answer = await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: batch });
      expect(answer.status).toBe(200);
    } finally {
      capturing = false;
    }
    const lock = captured.find((s) => /WITH locked AS MATERIALIZED/.test(s.query));
    const reads = captured.find((s) => /^SELECT \(SELECT COALESCE\(json_agg/.test(s.query.trim()));
    expect(lock, captured.map((s) => s.query.slice(0, 80)).join('\n')).toBeDefined();
    expect(reads, captured.map((s) => s.query.slice(0, 80)).join('\n')).toBeDefined();

    const locked = await genericPlanRows(lock!);
    // Ten members' wallets in three currencies: thirty rows. A scan of the guild's wallets visits 9,000.
    expect(locked.get('wallets') ?? 0, JSON.stringify([...locked])).toBeLessThanOrEqual(60);

    const read = await genericPlanRows(reads!);
    // Per member: a firing of each limited rule, three days of counters, one total. Scans of the
    // guild's rows in the window visit thousands of each.
    for (const table of ['rule_firings', 'event_counters_daily', 'event_counters_total', 'members', 'member_milestones']) {
      expect(read.get(table) ?? 0, `${table}: ${JSON.stringify([...read])}`).toBeLessThanOrEqual(100);
    }
    expect(read.has('rule_firings') && read.has('event_counters_daily'), JSON.stringify([...read])).toBe(true);
    console.log(`wallet lock: ${JSON.stringify([...locked])}; reads: ${JSON.stringify([...read])} (rows visited per table, generic plans)`);
  });

  it('reads the firings of a cap per target member by member too', async () => {
    // Each member receives at most 50 XP a day from reactions; every other member already received some today.
    const saved = await saveRule(database.db, GUILD, { key: 'received', name: 'received', trigger: { events: ['reaction_add'] }, limits: [{ kind: 'cap', currency: 'xp', max: 50, period: 'day', per: 'target' }], effects: [{ type: 'credit', to: 'target', currency: 'xp', amount: 1 }] }, 'test');
    if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
    await api.services.configs.reload(GUILD);
    const members = sql`SELECT (${String(FIRST_OTHER)}::bigint + n) AS id FROM generate_series(1, ${OTHERS}) AS n`;
    await database.db.execute(sql`INSERT INTO rule_firings (guild_id, rule_id, rule_version, actor_id, target_id, channel_id, amounts, at)
      SELECT ${GUILD}, ${saved.value.id}, 1, ${String(FIRST_OTHER + 99_999n)}, m.id, 705, '{"target.xp": 1}', '2026-11-22T09:00:00Z' FROM (${members}) AS m`);
    await database.db.execute(sql`ANALYZE rule_firings`);
    const batch = Array.from({ length: 10 }, (_, i) =>
      messageEvent({ type: 'reaction_add', actor_id: String(FIRST_OTHER + BigInt(3 + i * 97)), target_id: String(FIRST_OTHER + BigInt(4 + i * 89)), occurred_at: `2026-11-22T12:0${i}:00.000Z`, data: { emoji: '👍', message_id: '555', unique_reactor_count: 1, message_age_seconds: 60 } }),
    );
    captured.length = 0;
    capturing = true;
    try {
      const answer = await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: batch });
      expect(answer.status, await answer.text()).toBe(200);
    } finally {
      capturing = false;
    }
    const reads = captured.find((s) => /^SELECT \(SELECT COALESCE\(json_agg/.test(s.query.trim()) && s.query.includes('target_id'));
    expect(reads, captured.map((s) => s.query.slice(0, 80)).join('\n')).toBeDefined();
    const read = await genericPlanRows(reads!);
    // Ten targets with one firing each, ten actors with a firing of each rule: a scan of the rule's firings today visits 3,000.
    expect(read.get('rule_firings') ?? 0, JSON.stringify([...read])).toBeLessThanOrEqual(100);
    expect(read.get('rule_firings') ?? 0).toBeGreaterThan(0);
  });

  it('visits no more than a few hundred rows of any table in any statement of its transaction', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => messageEvent({ actor_id: String(FIRST_OTHER + BigInt(2 + i * 89)), occurred_at: `2026-11-22T11:0${i}:00.000Z` }));
    captured.length = 0;
    capturing = true;
    try {
      expect((await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: batch })).status).toBe(200);
    } finally {
      capturing = false;
    }
    const statements = captured.filter((s) => !/^\s*(begin|commit|rollback)\b/i.test(s.query));
    expect(statements.length).toBeGreaterThanOrEqual(5);
    await expectBounded(statements);
  });

  it('an award to one member visits no more than a few hundred rows of any table either', async () => {
    captured.length = 0;
    capturing = true;
    try {
      const answer = await api.request(`/api/guilds/${GUILD}/members/${String(FIRST_OTHER + 7n)}/award`, { method: 'POST', json: { currency: 'gold', amount: 5, reason: 'scale' } });
      expect(answer.status, await answer.text()).toBe(200);
    } finally {
      capturing = false;
    }
    const statements = captured.filter((s) => !/^\s*(begin|commit|rollback)\b/i.test(s.query));
    expect(statements.some((s) => /FOR UPDATE/.test(s.query)), statements.map((s) => s.query.slice(0, 80)).join('\n')).toBe(true);
    await expectBounded(statements);
  });

  it('the ledger locks listed wallets (awards, transfers, purchases) one key lookup at a time', async () => {
    const currencies = await queryRows<{ id: number }>(database.db, sql`SELECT id FROM currencies WHERE guild_id = ${GUILD} ORDER BY id`);
    const refs = [3n, 1n, 2n, 99999n].flatMap((n) => currencies.map((c) => ({ guildId: GUILD, userId: String(FIRST_OTHER + n), currencyId: c.id })));
    captured.length = 0;
    capturing = true;
    try {
      await database.db.transaction(async (tx) => {
        const states = await lockWallets(tx, refs);
        expect(states.size).toBe(refs.length); // three members' wallets were there, the fourth's were created
        expect(await lockExistingWallets(tx, refs.slice(0, 3))).toHaveLength(3);
      });
    } finally {
      capturing = false;
    }
    expect(captured.length).toBeGreaterThanOrEqual(2);
    await expectBounded(captured);
  });
});

/** Each statement, under a generic plan, visits at most 300 rows of any table (3,000 members' rows are there). */
async function expectBounded(statements: { query: string; params: unknown[] }[]): Promise<void> {
  for (const statement of statements) {
    const visited = await genericPlanRows(statement);
    for (const [table, rows] of visited) expect(rows, `${table} in ${statement.query.replace(/\s+/g, ' ').slice(0, 120)}`).toBeLessThanOrEqual(300);
  }
}
