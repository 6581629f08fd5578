// Run as a child process (a crash must not take the test runner with it): drives postgres.js —
// through its ESM or its CommonJS entry point — into the connection losses that crashed or wedged
// it, and prints one JSON line with what happened.
//   node --import tsx test/faults/support/driver-probe.ts <esm|cjs> <postgres url> <scenario>
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type postgresType from 'postgres';
import { TcpProxy } from './tcp-proxy.ts';

type Postgres = typeof postgresType;
type Sql = ReturnType<Postgres>;

const [entry, url, wanted] = process.argv.slice(2) as ['esm' | 'cjs', string, string];
const postgres: Postgres = entry === 'cjs' ? createRequire(import.meta.url)('postgres') : (await import('postgres')).default;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const target = new URL(url);

/** Settles within `ms` or says it hung. */
async function outcome(promise: Promise<unknown>, ms = 3_000): Promise<string> {
  const timeout = sleep(ms).then(() => 'hung');
  return Promise.race([promise.then(() => 'ok', (error: { code?: string }) => `rejected ${error?.code ?? error}`), timeout]);
}

async function scenario(name: string, run: (sql: Sql, proxy: TcpProxy, admin: Sql) => Promise<Record<string, unknown>>) {
  if (name !== wanted) return;
  const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  const sql = postgres(proxy.rewrite(url), { max: 1, onnotice: () => {}, backoff: () => 0.02 });
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const result = await run(sql, proxy, admin);
    // Whatever happened, the pool must work again on a fresh connection (not wedged).
    result.afterwards = await outcome(sql`select 1 as one`);
    console.log(JSON.stringify({ scenario: name, ...result }));
  } finally {
    await sql.end({ timeout: 1 });
    await admin.end({ timeout: 1 });
    await proxy.close();
  }
}

// A transaction's connection drops while its callback is between statements; the callback goes on.
await scenario('statement after the connection closed', async (sql, proxy) => {
  let late = 'not run';
  const transaction = await outcome(
    sql.begin(async (t) => {
      await t`select 1`;
      proxy.cut();
      await sleep(100);
      late = await outcome(t`select 2`);
    }),
  );
  await sleep(200);
  return { transaction, late };
});

// Same, but the pool has already handed the reconnected connection to another transaction: the
// first transaction's late statement and its automatic commit must not run inside the second one.
await scenario('late statement while another transaction holds the connection', async (sql, proxy, admin) => {
  await admin`create table if not exists probe (n int)`;
  await admin`truncate probe`;
  let resumeFirst!: () => void;
  const firstMayGoOn = new Promise<void>((resolve) => (resumeFirst = resolve));
  let firstStarted!: () => void;
  const started = new Promise<void>((resolve) => (firstStarted = resolve));
  let late: Promise<string> | undefined;
  const first = outcome(
    sql.begin(async (t) => {
      await t`select 1`;
      firstStarted();
      await firstMayGoOn;
      late = outcome(t`insert into probe values (1)`);
      await late;
    }),
  );
  await started;
  proxy.cut();
  const firstOutcome = await first;
  let finishSecond!: () => void;
  const secondMayFinish = new Promise<void>((resolve) => (finishSecond = resolve));
  const second = outcome(
    sql.begin(async (t) => {
      await t`insert into probe values (2)`;
      resumeFirst();
      await sleep(200);
      await secondMayFinish;
      await t`insert into probe values (3)`;
    }),
  );
  await sleep(300);
  // The second transaction has not committed yet: nothing of it may be visible.
  const visibleBeforeCommit = (await admin<{ n: number }[]>`select n from probe order by n`).map((r) => r.n);
  finishSecond();
  const secondOutcome = await second;
  const rows = (await admin<{ n: number }[]>`select n from probe order by n`).map((r) => r.n);
  return { transaction: firstOutcome, late: late ? await late : 'not run', second: secondOutcome, visibleBeforeCommit, rows };
});

// The backend is terminated while a statement runs (pg_terminate_backend): the next statement on
// the reconnected connection must not receive the old backend's fatal error.
await scenario('statement after pg_terminate_backend', async (sql, _proxy, admin) => {
  const running = outcome(sql`select pg_sleep(2)`);
  await sleep(200);
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'select pg_sleep(2)%' and pid <> pg_backend_pid()`;
  return { running: await running, next: await outcome(sql`select 2 as two`) };
});

// A server that accepts and hangs up at once (a proxy or pooler whose database is down): the query
// must fail, not wait forever while the driver reconnects.
await scenario('server hangs up during startup', async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const hangsUp = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {}, backoff: () => 0.02 });
  try {
    return { query: await outcome(hangsUp`select 1`) };
  } finally {
    await hangsUp.end({ timeout: 0 });
    server.close();
  }
});

process.exit(0);
