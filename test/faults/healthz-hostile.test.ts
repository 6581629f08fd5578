// Issue 13 §1, on a real process (the embedded PGlite in a data folder, or Postgres): every hostile
// evaluation of the issue is fired at a running Cairn while /healthz is probed throughout; each
// probe answers within 100 ms and the process is alive afterwards. Before evaluation was bounded,
// the curve preview at 2^53 never answered again and nested `map` ran the heap out.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { budgetBuster, CURVE_AT_2_53, NESTED_MAP, NESTED_SOME } from '../support/hostile-logic.ts';
import { bootCairn, prepareDatabase, FAULT_ADMIN_TOKEN, stopCairn, type CairnProcess } from './support/cairn-process.ts';

let dataDir: string;
let databaseUrl: string | undefined;
let cairn: CairnProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-hostile-'));
  databaseUrl = await prepareDatabase(dataDir);
});
afterAll(async () => {
  await stopCairn(cairn);
  await rm(dataDir, { recursive: true, force: true });
});

const G = `/api/guilds/${DEMO_GUILD_ID}`;
const rule = (key: string, overrides: Record<string, unknown>) => ({ key, name: key, trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'xp', amount: 1 }], ...overrides });
let seq = 0;
const message = (length: number) => ({
  source_id: String(1400000000000000000n + BigInt(++seq)),
  type: 'message_create',
  guild_id: DEMO_GUILD_ID,
  actor_id: '987654321098765432',
  target_id: null,
  channel_id: '1111111111111111111',
  occurred_at: new Date().toISOString(),
  data: { length, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false },
});

/** A request: name, method, path under the guild, body (or a function making a fresh one), expected status. */
type Case = [string, string, string, unknown, number];

/** The hostile requests, each with the status it must get. */
const HOSTILE: Case[] = [
  ['curve preview at 2^53', 'POST', '/currencies/curve-preview', CURVE_AT_2_53, 422],
  ['dry run: some nested 5 deep over 100 elements', 'POST', '/dry-run', () => ({ event: message(100), rules: [rule('nested-some', { conditions: [{ if: NESTED_SOME }] })], only: true }), 422],
  ['dry run: map nested 4 deep over 200 elements', 'POST', '/dry-run', { event: message(100), rules: [rule('nested-map', { conditions: [{ if: NESTED_MAP }] })], only: true }, 422],
  ['saved rule: some nested 5 deep', 'PUT', '/rules/nested-some', rule('nested-some', { conditions: [{ if: NESTED_SOME }] }), 422],
  ['saved rule: map nested 4 deep', 'PUT', '/rules/nested-map', rule('nested-map', { effects: [{ type: 'credit', currency: 'xp', amount: NESTED_MAP }] }), 422],
  ['currency with start_level 3,000,000,000', 'PUT', '/currencies/huge', { name: 'Huge', level_curve: { kind: 'exponential', base: 100, factor: 1.25, start_level: 3_000_000_000 } }, 422],
  ['saved rule within the static limits, over budget on long messages', 'PUT', '/rules/budget-buster', budgetBuster(), 200],
  // Each evaluation is bounded (the rule stops at 100,000 operations); a request of many such
  // events costs many times that, and the engine lets others run between its slices of work.
  ...Array.from({ length: 10 }, (): Case => ['an event that exhausts the budget', 'POST', '/events', () => message(5000), 200]),
  ['a request of 60 events that each exhaust the budget', 'POST', '/events', () => Array.from({ length: 60 }, () => message(5000)), 200],
  ['computed paths to constructor', 'POST', '/dry-run', { event: message(100), rules: [rule('probe', { vars: { a: { cat: [{ var: [['constructor']] }] }, b: { cat: [{ var: { cat: ['constr', 'uctor'] } }] } } })], only: true }, 200],
];

/** Ordinary requests of the same kinds: what /healthz costs this machine without anything hostile. */
const ORDINARY: Case[] = [
  ['curve preview', 'POST', '/currencies/curve-preview', { level_curve: { kind: 'exponential', base: 100, factor: 1.25 }, levels: 30 }, 200],
  ['dry run', 'POST', '/dry-run', () => ({ event: message(100) }), 200],
  // A rule as large as the budget buster, saved and compiled as it is, but on reactions: none of the
  // messages here runs it (saving a document of that size costs what it costs, hostile or not).
  ['saved rule', 'PUT', '/rules/ordinary', { ...budgetBuster('ordinary'), trigger: { events: ['reaction_add'] } }, 200],
  ...Array.from({ length: 10 }, (): Case => ['an ordinary event', 'POST', '/events', () => message(100), 200]),
  // On PGlite a request's statements run on the process's thread: 60 events write as much as the
  // hostile request of 60 does.
  ['a request of 60 ordinary events', 'POST', '/events', () => Array.from({ length: 60 }, () => message(100)), 200],
];

interface Probe {
  ms: number;
  status: number | string;
  during: string;
}

/** Probes /healthz every 20 ms while `work` runs; `during` names what was in flight. */
async function probing(url: string, work: (mark: (name: string) => void) => Promise<void>): Promise<Probe[]> {
  const probes: Probe[] = [];
  let during = 'idle';
  let running = true;
  const prober = (async () => {
    while (running) {
      const started = performance.now();
      const at = during;
      const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, (e: Error) => e.name);
      probes.push({ ms: performance.now() - started, status, during: at === during ? at : `${at} → ${during}` });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await work((name) => (during = name));
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    running = false;
    await prober;
  }
  return probes;
}

const summary = (probes: Probe[]) => {
  const sorted = probes.map((p) => p.ms).sort((a, b) => a - b);
  return `${probes.length} probes, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, slowest ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
};

describe(`/healthz under hostile evaluations (${inject('dbKind')})`, () => {
  it('answers every probe within 100 ms while each hostile case is refused or contained, and the process lives on', async () => {
    cairn = await bootCairn({ dataDir, databaseUrl });
    const url = cairn.url;
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${url}${G}${path}`, { method, headers: { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(typeof body === 'function' ? body() : body), signal: AbortSignal.timeout(30_000) });
    const answers: string[] = [];
    const fire = (cases: Case[]) => async (mark: (name: string) => void) => {
      for (const [name, method, path, body, expected] of cases) {
        mark(name);
        // Each case twice at once, so probes land while it runs.
        const results = await Promise.all([call(method, path, body), call(method, path, body)]);
        mark(`after ${name}`);
        for (const res of results) {
          answers.push(`${name}: ${res.status}`);
          expect(res.status, `${name}\n${await res.text()}`).toBe(expected);
        }
      }
    };
    // Warm the routes and the compiled configuration once.
    await fetch(`${url}/healthz`);
    await call('POST', '/events', [message(100)]);

    const ordinary = await probing(url, fire(ORDINARY));
    const hostile = await probing(url, fire(HOSTILE));
    console.info(`healthz on ${inject('dbKind')}: ordinary requests ${summary(ordinary)}; hostile requests ${summary(hostile)}; ${answers.join('; ')}`);

    expect(hostile.length).toBeGreaterThan(10);
    expect(hostile.filter((p) => p.status !== 200), cairn.output()).toEqual([]);
    // PGlite runs its SQL on the process's own thread: on a busy machine ordinary ingest alone holds
    // probes past 100 ms there (110-150 ms seen with a load average of 4 on 2 cores). Its bar is
    // 100 ms or half again what ordinary requests cost in the same run, whichever is higher.
    const bar = inject('dbKind') === 'postgres' ? 100 : Math.max(100, 1.5 * Math.max(...ordinary.map((p) => p.ms)));
    expect(hostile.filter((p) => p.ms > bar), `bar ${bar.toFixed(1)} ms\n${cairn.output()}`).toEqual([]);
    expect(cairn.alive(), cairn.output()).toBe(true);
    const errors = (await (await call('GET', '/health/rules/budget-buster/errors', undefined)).json()) as unknown[];
    expect(errors.length).toBeGreaterThan(0);
  });
});
