// One "process" of the cluster tests (test/cluster/roles.pg.test.ts), run as a child process on a
// Postgres database: a scheduler with a test job, or an outbox drainer whose delivery records each
// send in the database (the counts the test checks). Modes:
//   scheduler <url> <holder> [pattern]   runs job `probe` (every second, or on pattern); each run inserts into probe_runs
//   hang <url> <holder> <leaseMs>        claims `probe` runs and hangs in them (killed by the test)
//   drain <url> <holder> <leaseSeconds> [hangAfter]  drains the outbox; after hangAfter sends, every send hangs
import { sql } from 'drizzle-orm';
import { ClusterScheduler } from '../../../src/app/cluster-scheduler.ts';
import { openDatabase } from '../../../src/db/client.ts';
import { OutboxDispatcher } from '../../../src/discord/outbox-dispatcher.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { JobLeases } from '../../../src/ops/job-leases.ts';

const [mode, url, holder, arg, arg2] = process.argv.slice(2);
const logger = createLogger({ level: 'warn' });
const database = await openDatabase({ kind: 'postgres', url: url!, poolSize: 4 });
const forever = () => new Promise<never>(() => {});
const say = (line: string) => process.stdout.write(`${line}\n`);
let stop: () => Promise<void>;

if (mode === 'scheduler' || mode === 'hang') {
  const leases = new JobLeases(database.db, holder!, mode === 'hang' ? { leaseMs: Number(arg) } : { leaseMs: 2_000 });
  const scheduler = new ClusterScheduler(
    [
      {
        name: 'probe',
        pattern: mode === 'scheduler' && arg ? arg : '* * * * * *',
        run: async (lease) => {
          await database.db.execute(sql`INSERT INTO probe_runs (slot, holder, attempt) VALUES (${lease.scheduledFor.toISOString()}::timestamptz, ${holder!}, ${lease.attempts})`);
          if (mode === 'hang') {
            say(`hanging in ${lease.scheduledFor.toISOString()}`);
            await forever();
          }
        },
      },
    ],
    leases,
    logger,
    { sweepMs: 250 },
  );
  scheduler.start();
  stop = () => scheduler.stop();
} else if (mode === 'drain') {
  let sends = 0;
  const hangAfter = arg2 === undefined ? Infinity : Number(arg2);
  const dispatcher = new OutboxDispatcher(
    database,
    async (row) => {
      if (sends >= hangAfter) {
        say(`hanging in row ${row.id}`);
        return forever();
      }
      sends++;
      // The delivery: what Discord would have received, counted per row.
      await database.db.execute(sql`INSERT INTO outbox_sends (outbox_id, holder) VALUES (${row.id}, ${holder!})`);
    },
    logger,
    { leaseSeconds: Number(arg), intervalMs: 100, batchSize: 20 },
  );
  dispatcher.start();
  stop = () => dispatcher.stop();
} else {
  throw new Error(`unknown mode ${mode}`);
}
// The scheduler's and dispatcher's timers are unref'd (a Cairn process lives by its HTTP server).
const alive = setInterval(() => undefined, 1 << 30);
say('ready');
process.on('SIGTERM', () => {
  clearInterval(alive);
  void stop().then(() => database.close()).then(() => process.exit(0));
});
