// Tests run against the database chosen by CAIRN_TEST_DB (pglite, the default, or postgres).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that need a real server (two processes sharing one database) run on the Postgres pass.
    exclude: process.env.CAIRN_TEST_DB === 'postgres' ? [] : ['test/**/*.pg.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll() waits for what a page or a process does in its own time: a second (vitest's
    // default) is too short on a busy 2-core CI machine, and a poll that succeeds returns at once.
    expect: { poll: { timeout: 10_000 } },
    // CI asks for a JSON report to count passes and failures from.
    reporters: process.env.CAIRN_TEST_REPORT ? ['default', ['json', { outputFile: process.env.CAIRN_TEST_REPORT }]] : ['default'],
  },
});
