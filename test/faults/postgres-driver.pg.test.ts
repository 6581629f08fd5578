// postgres.js 3.4.9 as patched in patches/ (both entry points): a connection lost mid-transaction
// neither crashes the process, nor lets the failed transaction's statements or automatic commit run
// inside another transaction, nor hands the old backend's fatal error to the next statement, nor
// leaves the pool wedged. Each case runs in a child process so a crash is an exit code.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/db.ts';
import { runProcess } from '../support/process.ts';

let url: string;
beforeAll(async () => {
  const database = await createTestDatabase({ poolSize: 1 });
  url = database.url!;
  await database.close();
});

async function probe(entry: 'esm' | 'cjs', scenario: string): Promise<Record<string, unknown>> {
  const run = await runProcess(['--import', 'tsx', 'test/faults/support/driver-probe.ts', entry, url, scenario], {});
  expect(run.stderr, `the probe crashed (exit ${run.code})`).not.toMatch(/TypeError|Error:/);
  expect(run.code).toBe(0);
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  expect(line, run.stdout + run.stderr).toBeDefined();
  return JSON.parse(line!) as Record<string, unknown>;
}

const closed = expect.stringMatching(/^rejected (CONNECTION_CLOSED|ECONNRESET)$/);

describe.each(['esm', 'cjs'] as const)('postgres.js (%s entry point) when a connection is lost', (entry) => {
  it('rejects a statement a transaction sends after its connection closed, instead of crashing the process', async () => {
    expect(inject('dbKind')).toBe('postgres');
    expect(await probe(entry, 'statement after the connection closed')).toEqual({
      scenario: 'statement after the connection closed',
      transaction: closed,
      late: closed,
      afterwards: 'ok',
    });
  });

  it('never runs a failed transaction\'s late statement or commit inside the transaction that got its connection next', async () => {
    expect(await probe(entry, 'late statement while another transaction holds the connection')).toEqual({
      scenario: 'late statement while another transaction holds the connection',
      transaction: closed,
      late: closed,
      second: 'ok',
      visibleBeforeCommit: [],
      rows: [2, 3],
      afterwards: 'ok',
    });
  });

  it('does not hand the terminated backend\'s fatal error to the next statement', async () => {
    expect(await probe(entry, 'statement after pg_terminate_backend')).toEqual({
      scenario: 'statement after pg_terminate_backend',
      running: expect.stringMatching(/^rejected (CONNECTION_CLOSED|ECONNRESET|57P01)$/),
      next: 'ok',
      afterwards: 'ok',
    });
  });

  it('fails a statement when the server hangs up during startup, instead of retrying it forever', async () => {
    expect(await probe(entry, 'server hangs up during startup')).toEqual({
      scenario: 'server hangs up during startup',
      query: 'rejected CONNECTION_CLOSED',
      afterwards: 'ok',
    });
  });
});
