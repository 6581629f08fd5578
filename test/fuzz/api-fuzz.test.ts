// Property-based fuzz of every operation in the OpenAPI document and of the event envelope, against
// a real Cairn process on this pass's database: valid, near-valid and hostile bodies, path segments
// and query values. No answer may be a 5xx other than 503, the process stays up, /healthz answers
// fast throughout (a probe in its own process), and `cairn doctor` finds the ledger intact after.
// The counts go to test-results/fuzz-<db>.json. CAIRN_FUZZ_RUNS scales the runs per operation
// (default 1: ~4,500 requests, under a minute per database here, well inside CI's budget).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FAULT_ADMIN_TOKEN, stopCairn } from '../faults/support/cairn-process.ts';
import { runProcess, startProcess, type StartedProcess } from '../support/process.ts';
import { crowdBody, eventsBody } from './support/event-arbitrary.ts';
import { isExcluded } from './support/exclusions.ts';
import { send, type Answer } from './support/http.ts';
import { bootFuzzTarget, prepareDatabase, readWorld, type FuzzTarget } from './support/fuzz-cairn.ts';
import { FuzzReport } from './support/fuzz-report.ts';
import { toJsonText } from './support/hostile.ts';
import { FuzzRequest, operationsOf, requestArbitrary, type FuzzWorld, type Operation } from './support/operations.ts';
import type { JsonSchema } from './support/schema-arbitrary.ts';

/** Fixed in CI; CAIRN_FUZZ_SEED explores other corners by hand. */
const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 20_261_130);
const SCALE = Number(process.env.CAIRN_FUZZ_RUNS ?? 1);
/** Runs per operation; the event envelope, the busiest door, gets more. */
const RUNS = Math.max(1, Math.round(60 * SCALE));
const EVENT_RUNS = Math.max(1, Math.round(400 * SCALE));
const CROWD_RUNS = Math.max(1, Math.round(6 * SCALE));
/** Cairn's default CAIRN_MAX_BODY_BYTES. */
const MAX_BODY_BYTES = 1_048_576;
const EVENTS_OP = 'POST /api/guilds/{guildId}/events';
const db = inject('dbKind');
/**
 * /healthz while fuzzing: 99 % of probes within 100 ms, and none slower than 1 s (a blocked event
 * loop shows as seconds). Not every probe within 100 ms: the suite shares two cores with the other
 * test files, and there a single probe of a healthy process is now and then delayed past 100 ms
 * (measured 107–121 ms, p99 26–46 ms); on PGlite, which runs each query on the process's one
 * thread, a heavy legitimate request (a milestone recheck over every member) also holds it.
 */
const HEALTHZ_P99_MS = 100;
const HEALTHZ_MAX_MS = 1_000;

fc.configureGlobal({ seed: SEED, numRuns: RUNS });

let dataDir: string;
let target: FuzzTarget;
let world: FuzzWorld;
let operations: Operation[] = [];
let components: Record<string, JsonSchema> = {};
let probe: StartedProcess | undefined;
const report = new FuzzReport();
const started = Date.now();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cairn-fuzz-'));
  target = await bootFuzzTarget(dataDir, await prepareDatabase(dataDir));
  world = await readWorld(target);
  const res = await fetch(`${target.cairn.url}/api/openapi.json`, { headers: { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}` } });
  const document = (await res.json()) as Parameters<typeof operationsOf>[0] & { components: { schemas: Record<string, JsonSchema> } };
  operations = operationsOf(document);
  components = document.components.schemas;
  probe = startProcess(['--import', 'tsx', 'test/fuzz/support/healthz-probe.ts', target.cairn.url], {});
  await probe.waitFor(/probing/, 30_000);
}, 180_000);

afterAll(async () => {
  if (probe && probe.child.exitCode === null) probe.child.kill('SIGTERM');
  await stopCairn(target?.cairn);
  const file = await report.write(db, { seed: SEED, runsPerOperation: RUNS, eventRuns: EVENT_RUNS, crowdRuns: CROWD_RUNS, seconds: Math.round((Date.now() - started) / 1000) });
  console.info(`fuzz on ${db}: ${JSON.stringify(report.totals())}; healthz ${JSON.stringify(report.healthz)}; report in ${file}`);
  await rm(dataDir, { recursive: true, force: true });
});

/** Sends one generated request and says what came back. */
async function sendRequest(operation: string, request: FuzzRequest): Promise<Answer> {
  const headers: Record<string, string> = { Authorization: `Bearer ${request.credential === 'operator' ? FAULT_ADMIN_TOKEN : target.guildToken}` };
  if (request.contentType) headers['Content-Type'] = request.contentType;
  const sentAt = Date.now();
  const answer = await send(`${target.cairn.url}${request.url}`, { method: request.method, headers, body: request.body, timeoutMs: 20_000 });
  report.record(operation, answer.status, { at: sentAt, ms: Date.now() - sentAt, request });
  if (answer.status >= 500 && answer.status !== 503) report.findings.push({ operation, status: answer.status, request: String(request), answer: answer.text.slice(0, 300) });
  return answer;
}

/** The property every answer must keep. */
function contained(operation: string) {
  return async (request: FuzzRequest) => {
    const { status, text } = await sendRequest(operation, request);
    // Closing the connection is a fair answer to a body over the limit (CAIRN_MAX_BODY_BYTES), only to that.
    if (status === 0 && (request.body?.length ?? 0) <= MAX_BODY_BYTES) throw new Error(`the connection closed without an answer: ${text}`);
    expect.soft(target.cairn.alive(), `the process died on ${request}\n${target.cairn.output()}`).toBe(true);
    if (!target.cairn.alive()) throw new Error(`the process died on ${request}`);
    if (status >= 500 && status !== 503) throw new Error(`${status} ${text.slice(0, 300)}\n${target.cairn.output().slice(-2000)}`);
  };
}

function arbitraryFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const extra = operation.id === EVENTS_OP ? [eventsBody(world.guildId, world.members)] : [];
  return requestArbitrary(operation, { components }, world, extra).filter((request) => {
    const excluded = isExcluded(operation.id, request);
    if (excluded) report.excluded[operation.id] = (report.excluded[operation.id] ?? 0) + 1;
    return !excluded;
  });
}

/** Checks `contained` over `numRuns` requests; the shrunk counterexample when one fails. */
async function fuzz(operation: string, arbitrary: fc.Arbitrary<FuzzRequest>, numRuns: number): Promise<string | undefined> {
  const result = await fc.check(fc.asyncProperty(arbitrary, contained(operation)), { numRuns, seed: SEED });
  return result.failed ? `${operation}: ${String(result.errorInstance).slice(0, 1500)}\n${fc.defaultReportMessage(result)}`.slice(0, 4000) : undefined;
}

interface ProbeSummary {
  probes: number;
  maxMs: number;
  p99Ms: number;
  failureCount: number;
}

/** Ends the probe's current phase (SIGUSR2) or the probe (SIGTERM) and reads what it saw. */
async function probeSummary(signal: 'SIGUSR2' | 'SIGTERM'): Promise<ProbeSummary> {
  const lines = () => probe!.stdout().trim().split('\n').length;
  const before = lines();
  probe!.child.kill(signal);
  if (signal === 'SIGTERM') await probe!.exited;
  else await probe!.waitFor(new RegExp(`^(?:.*\\n){${before}}\\{`), 10_000);
  return JSON.parse(probe!.stdout().trim().split('\n').at(-1)!) as ProbeSummary;
}

describe(`API fuzz (${db})`, () => {
  it('covers every operation with a body, path parameters or query values', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.map((o) => o.id)).toContain(EVENTS_OP);
  });

  it('answers every generated request with a status below 500 (or 503), staying alive', async () => {
    const failures: string[] = [];
    for (const operation of operations) {
      const failure = await fuzz(operation.id, arbitraryFor(operation), operation.id === EVENTS_OP ? EVENT_RUNS : RUNS);
      if (failure) failures.push(failure);
      if (!target.cairn.alive()) break;
    }
    expect(failures).toEqual([]);
  }, 900_000);

  it(`kept /healthz answering throughout: 99 % within ${HEALTHZ_P99_MS} ms, all within ${HEALTHZ_MAX_MS} ms`, async () => {
    const summary = await probeSummary('SIGUSR2');
    report.healthz = { hostile: summary };
    expect(summary.probes).toBeGreaterThan(10);
    expect(summary.failureCount).toBe(0);
    expect(summary.p99Ms).toBeLessThan(HEALTHZ_P99_MS);
    expect(summary.maxMs).toBeLessThan(HEALTHZ_MAX_MS);
  });

  // A full 1,000-event request is legitimate work, not a hostile case: it holds the event loop (and
  // on PGlite the one connection) for its length, so /healthz is only required not to hang.
  it('takes requests of 1,000 events with one odd event among them, /healthz answering within 2 s', async () => {
    const crowd = crowdBody(world.guildId, world.members).map((body) => new FuzzRequest('POST', `/api/guilds/${world.guildId}/events`, 'guild', 'application/json', toJsonText(body), '1,000 events'));
    expect(await fuzz(`${EVENTS_OP} (1,000 events)`, crowd, CROWD_RUNS)).toBeUndefined();
    const summary = await probeSummary('SIGTERM');
    report.healthz = { ...(report.healthz as object), batches: summary };
    expect(summary.failureCount).toBe(0);
    expect(summary.maxMs).toBeLessThan(2_000);
  }, 300_000);

  it('is still running, and `cairn doctor` finds no ledger invariant violated', async () => {
    report.processAlive = target.cairn.alive();
    expect(report.processAlive).toBe(true);
    await stopCairn(target.cairn); // PGlite: one process per data folder
    const doctor = await runProcess(['bin/cairn.js', 'doctor', '--json'], { DATA_DIR: dataDir, DATABASE_URL: target.databaseUrl });
    report.doctor = { exitCode: doctor.code, ...(JSON.parse(doctor.stdout || '{}') as object) };
    expect(doctor.stderr).toBe('');
    expect(report.doctor).toMatchObject({ exitCode: 0, ok: true, violations: [] });
  }, 120_000);
});
