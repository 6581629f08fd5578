// The onboarding panel's questions for a big guild: 50,000 onboarding members who joined over 12
// weeks (a five-step flow, each step done by fewer members, a third completed, some left), about
// 150,000 step rows. Timed: the funnel of the default period (12 weeks) and the stuck list's first
// page (unfiltered, and at one step), each p50/p99 over repeated calls of the query functions the
// API routes call.
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/client.ts';
import { guilds, onboardingMembers, onboardingSteps } from '../src/db/schema.ts';
import { onboardingFunnel } from '../src/onboarding/funnel.ts';
import { joinRange } from '../src/onboarding/range.ts';
import { OnboardingSettings } from '../src/onboarding/settings.ts';
import { stuckMembers } from '../src/onboarding/stuck.ts';
import { freshDatabase, percentile, record } from './support.ts';

const GUILD = '1160511689263947796';
const MEMBERS = Number(process.env.BENCH_ONBOARDING_MEMBERS ?? 50_000);
const RUNS = Number(process.env.BENCH_ONBOARDING_RUNS ?? 40);
const NOW = new Date('2026-11-30T12:00:00.000Z');
const STEPS = ['intro', 'rules', 'roles', 'voice', 'event'];
const FLOW = OnboardingSettings.parse({
  enabled: true,
  steps: STEPS.map((key) => ({ key, label: key, kind: 'event', trigger: { type: 'message_create' } })),
});

/** A deterministic pseudo-random stream (the same guild every run). */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

async function seed(db: Awaited<ReturnType<typeof freshDatabase>>['database']['db'], since: Date) {
  await db.insert(guilds).values({ id: GUILD, name: 'Bench guild', timezone: 'Europe/Paris' });
  const next = random(42);
  // Spread over the period the panel shows by default (this week and the 11 before it).
  const span = NOW.getTime() - since.getTime();
  let members: (typeof onboardingMembers.$inferInsert)[] = [];
  let steps: (typeof onboardingSteps.$inferInsert)[] = [];
  const flush = async () => {
    if (members.length > 0) await db.insert(onboardingMembers).values(members);
    for (let i = 0; i < steps.length; i += 4000) await db.insert(onboardingSteps).values(steps.slice(i, i + 4000));
    members = [];
    steps = [];
  };
  for (let n = 0; n < MEMBERS; n++) {
    const userId = String(800000000000000000n + BigInt(n));
    const joined = NOW.getTime() - Math.floor(next() * span);
    let at = joined;
    let done = 0;
    // Each step is done by 80 % of those who did the one before (mostly in order, sometimes not).
    for (const step of STEPS) {
      if (next() > 0.8) break;
      at += Math.floor(next() * 86_400_000);
      if (at > NOW.getTime()) break;
      steps.push({ guildId: GUILD, userId, step, completedAt: new Date(at), sourceId: `bench:${n}:${step}` });
      done++;
    }
    const completed = done === STEPS.length;
    const left = !completed && next() < 0.1;
    members.push({
      guildId: GUILD, userId, joinedAt: new Date(joined), welcomeStatus: 'sent', welcomedAt: new Date(joined), lastProgressAt: new Date(at),
      completedAt: completed ? new Date(at) : null, leftAt: left ? new Date(Math.min(NOW.getTime(), at + 3_600_000)) : null,
    });
    if (members.length === 2000) await flush();
  }
  await flush();
  await db.execute(sql`ANALYZE onboarding_members`);
  await db.execute(sql`ANALYZE onboarding_steps`);
}

async function time(runs: number, task: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await task(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await task();
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b);
}

export async function benchOnboarding(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind, 4);
  try {
    const range = joinRange('Europe/Paris', NOW);
    if (!range.ok) throw new Error('the default range was refused');
    const seeded = performance.now();
    await seed(database.db, range.range.start);
    const [{ n: stepRows } = { n: 0 }] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM onboarding_steps`);
    const funnel = await onboardingFunnel(database.db, GUILD, FLOW, range.range);
    if (funnel.stages[0]!.members !== MEMBERS) throw new Error(`the funnel counted ${funnel.stages[0]!.members} joined, not ${MEMBERS}`);
    const note = `${MEMBERS.toLocaleString('en-US')} members, ${stepRows.toLocaleString('en-US')} steps, 12 weeks, seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s`;
    const cases: [string, () => Promise<unknown>][] = [
      ['funnel, 12 weeks', () => onboardingFunnel(database.db, GUILD, FLOW, range.range)],
      ['stuck list, first page (50)', () => stuckMembers(database.db, GUILD, FLOW, range.range, NOW, { sort: 'idle', limit: 50 })],
      ['stuck list at step "voice", first page (50)', () => stuckMembers(database.db, GUILD, FLOW, range.range, NOW, { sort: 'idle', limit: 50, step: 'voice' })],
    ];
    for (const [name, task] of cases) {
      const ms = await time(RUNS, task);
      record({ bench: 'onboarding', database: kind, case: `${name} p50`, value: percentile(ms, 50), unit: 'ms', note });
      record({ bench: 'onboarding', database: kind, case: `${name} p99`, value: percentile(ms, 99), unit: 'ms' });
    }
  } finally {
    await dispose();
  }
}

