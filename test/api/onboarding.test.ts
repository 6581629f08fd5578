// The onboarding read side over seeded progress rows: the funnel's exact counts and conversions
// (overall, per week of joining in the guild's time zone, a Sunday 23:30 join in its own week),
// the stuck list's rules, paging and orders, one member's progress; the flow's validation at field
// paths through PATCH /settings (and nothing saved on refusal); credentials and guild scoping.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { guilds, members } from '../../src/db/schema.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { memberId, sampleFlow, seedOnboarding } from '../support/onboarding.ts';

// A Monday noon UTC: 07:00 in New York.
const NOW = new Date('2026-11-30T12:00:00.000Z');
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock: fixedClock(NOW) });
});
afterAll(async () => {
  await api.services.close();
});

const G = `/api/guilds/${GUILD}`;
const get = async (path: string, token?: string | null) => {
  const res = await api.request(`${G}${path}`, token === undefined ? {} : { token });
  return { status: res.status, body: await json(res) };
};
const patch = async (body: unknown) => {
  const res = await api.request(`${G}/settings`, { method: 'PATCH', json: body });
  return { status: res.status, body: await json(res) };
};
/** The distinct field paths of a refusal (a value may break two rules at one path). */
const paths = (body: { error?: { details?: { path: string }[] } }) => [...new Set((body.error?.details ?? []).map((d) => d.path))];

const M = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => [`m${n}`, memberId(n)])) as Record<`m${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`, string>;

/** Weeks (New York) of 16 and 23 November 2026, one member before them, one in another guild. */
async function seedMembers() {
  await seedOnboarding(database, GUILD, [
    { userId: M.m1, joinedAt: '2026-11-16T15:00:00Z', steps: ['intro', 'rules', 'voice'], completedAt: '2026-11-16T19:00:00Z' },
    { userId: M.m2, joinedAt: '2026-11-17T15:00:00Z', steps: ['intro', 'rules'], answers: { region: ['eu'] }, answeredAt: '2026-11-17T15:30:00Z' },
    { userId: M.m3, joinedAt: '2026-11-18T15:00:00Z', steps: ['rules'] },
    // Sunday 22 November, 23:30 in New York (Monday 04:30 UTC): the week of 16 November.
    { userId: M.m4, joinedAt: '2026-11-23T04:30:00Z', steps: ['intro'] },
    { userId: M.m5, joinedAt: '2026-11-19T15:00:00Z', welcomed: false, leftAt: '2026-11-20T10:00:00Z' },
    // Monday 23 November, 00:30 in New York.
    { userId: M.m6, joinedAt: '2026-11-23T05:30:00Z' },
    { userId: M.m7, joinedAt: '2026-11-24T15:00:00Z', steps: ['intro', 'rules', 'voice'], completedAt: '2026-11-24T19:00:00Z' },
    { userId: M.m8, joinedAt: '2026-11-08T12:00:00Z', steps: ['intro'] },
    // Joined 30 hours ago (Monday 30 November, 01:00 in New York): not stuck yet.
    { userId: M.m9, joinedAt: '2026-11-30T06:00:00Z' },
  ]);
  await seedOnboarding(database, OTHER_GUILD, [{ userId: M.m1, joinedAt: '2026-11-16T15:00:00Z', steps: ['intro'] }]);
}

beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  await database.db.update(guilds).set({ timezone: 'America/New_York' }).where(eq(guilds.id, GUILD));
  expect((await patch({ onboarding: sampleFlow() })).status).toBe(200);
  await seedMembers();
});

describe('GET /onboarding/funnel', () => {
  it('counts each stage of the flow overall, with conversions of those who joined and of the stage before', async () => {
    const { status, body } = await get('/onboarding/funnel?from=2026-11-09&to=2026-11-29');
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: '2026-11-09', to: '2026-11-29', timeZone: 'America/New_York', left: 1, inProgress: 4, flow: { enabled: true, moduleEnabled: true } });
    expect(body.stages).toEqual([
      { key: 'joined', kind: 'joined', label: 'Joined', members: 7, didStep: null, ofJoined: 1, ofPrevious: null },
      { key: 'welcomed', kind: 'welcomed', label: 'Welcomed', members: 6, didStep: null, ofJoined: 0.8571, ofPrevious: 0.8571 },
      { key: 'step:intro', kind: 'step', label: 'Introduce yourself', members: 4, didStep: 4, ofJoined: 0.5714, ofPrevious: 0.5714 },
      // m3 reacted to the rules without introducing themselves: did the step, not this far down the funnel.
      { key: 'step:rules', kind: 'step', label: 'React to the rules', members: 3, didStep: 4, ofJoined: 0.4286, ofPrevious: 0.75 },
      { key: 'step:voice', kind: 'step', label: 'First voice session', members: 2, didStep: 2, ofJoined: 0.2857, ofPrevious: 0.6667 },
      { key: 'completed', kind: 'completed', label: 'Completed', members: 2, didStep: null, ofJoined: 0.2857, ofPrevious: 1 },
    ]);
  });

  it('splits by local week of joining: a Sunday 23:30 join in New York belongs to that Monday’s week, not the next', async () => {
    const { body } = await get('/onboarding/funnel?from=2026-11-09&to=2026-11-29');
    expect(body.weeks).toEqual([
      { week: '2026-11-09', joined: 0, stages: [0, 0, 0, 0, 0, 0], left: 0 },
      { week: '2026-11-16', joined: 5, stages: [5, 4, 3, 2, 1, 1], left: 1 },
      { week: '2026-11-23', joined: 2, stages: [2, 2, 1, 1, 1, 1], left: 0 },
    ]);
  });

  it('defaults to the last 12 local weeks, and follows a change of the flow (a step removed, the welcome off)', async () => {
    const flow = sampleFlow();
    expect((await patch({ onboarding: { ...flow, welcome: { ...flow.welcome, enabled: false }, steps: flow.steps!.filter((s) => s.key !== 'intro') } })).status).toBe(200);
    const { body } = await get('/onboarding/funnel');
    expect(body.from).toBe('2026-09-14');
    expect(body.to).toBe('2026-11-30');
    expect(body.weeks).toHaveLength(12);
    expect(body.stages.map((s: { key: string; members: number }) => [s.key, s.members])).toEqual([['joined', 9], ['step:rules', 4], ['step:voice', 2], ['completed', 2]]);
  });

  it('counts a questionnaire step as done once the answers are in', async () => {
    const flow = sampleFlow();
    const steps = [{ key: 'answer', label: 'Answer the questions', kind: 'questionnaire' as const }, ...flow.steps!];
    expect((await patch({ onboarding: { ...flow, steps } })).status).toBe(200);
    const { body } = await get('/onboarding/funnel?from=2026-11-16&to=2026-11-22');
    expect(body.stages.find((s: { key: string }) => s.key === 'step:answer')).toMatchObject({ members: 1, didStep: 1 });
  });

  it('answers zeros for a guild without onboarding members', async () => {
    const res = await api.request(`/api/guilds/${OTHER_GUILD}/onboarding/funnel?from=2026-11-01&to=2026-11-07`);
    const { status, body } = { status: res.status, body: await json(res) };
    expect(status).toBe(200);
    // Its flow is the default one: the welcome on, no steps.
    expect(body.stages.map((s: { key: string; members: number; ofJoined: number | null }) => [s.key, s.members, s.ofJoined])).toEqual([['joined', 0, null], ['welcomed', 0, null], ['completed', 0, null]]);
  });

  it.each([
    ['from after to', '?from=2026-11-20&to=2026-11-10', 'from'],
    ['a date that does not exist', '?from=2026-02-30', 'from'],
    ['not a date', '?to=yesterday', 'to'],
    ['more than a year', '?from=2024-01-01&to=2026-11-01', 'from'],
    ['an unknown parameter', '?weeks=4', '(root)'],
  ])('refuses %s at its parameter', async (_, query, path) => {
    const { status, body } = await get(`/onboarding/funnel${query}`);
    expect(status).toBe(422);
    expect(paths(body)).toEqual([path]);
  });
});

describe('GET /onboarding/stuck', () => {
  it('lists members who joined in the period, are still here, not done, and made no progress for stuck_after_hours, with their step and names', async () => {
    await database.db.insert(members).values({ guildId: GUILD, userId: M.m2, displayName: 'Bea', username: 'bea' });
    const { status, body } = await get('/onboarding/stuck?from=2026-11-09');
    expect(status).toBe(200);
    expect(body).toMatchObject({ stuckAfterHours: 72, total: 4, nextCursor: null });
    expect(body.byStep).toEqual([
      { step: 'intro', label: 'Introduce yourself', members: 2 },
      { step: 'rules', label: 'React to the rules', members: 1 },
      { step: 'voice', label: 'First voice session', members: 1 },
    ]);
    // Longest without progress first; m4 and m6 last moved at the same instant (user id decides).
    expect(body.members.map((m: { userId: string }) => m.userId)).toEqual([M.m2, M.m3, M.m4, M.m6]);
    expect(body.members[0]).toEqual({
      userId: M.m2, name: 'Bea', step: 'voice', stepLabel: 'First voice session', joinedAt: '2026-11-17T15:00:00.000Z',
      lastProgressAt: '2026-11-17T17:00:00.000Z', daysSinceJoining: 12, hoursWithoutProgress: 307, stepsDone: 2,
    });
    // m3 did "rules" only: they are at the first step not done, "intro".
    expect(body.members[1]).toMatchObject({ userId: M.m3, step: 'intro', name: null, stepsDone: 1 });
  });

  it('filters by step, sorts by joining, and pages with a cursor without gaps or repeats', async () => {
    const atIntro = (await get('/onboarding/stuck?from=2026-11-09&step=intro')).body;
    expect(atIntro.members.map((m: { userId: string }) => m.userId)).toEqual([M.m3, M.m6]);
    expect(atIntro.total).toBe(4);
    const newest = (await get('/onboarding/stuck?from=2026-11-09&sort=newest')).body;
    expect(newest.members.map((m: { userId: string }) => m.userId)).toEqual([M.m6, M.m4, M.m3, M.m2]);

    const first = (await get('/onboarding/stuck?from=2026-11-09&limit=3')).body;
    expect(first.members.map((m: { userId: string }) => m.userId)).toEqual([M.m2, M.m3, M.m4]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await get(`/onboarding/stuck?from=2026-11-09&limit=3&cursor=${first.nextCursor}`)).body;
    expect(second.members.map((m: { userId: string }) => m.userId)).toEqual([M.m6]);
    expect(second.nextCursor).toBeNull();

    const byJoin = (await get('/onboarding/stuck?from=2026-11-09&sort=joined&limit=2')).body;
    const rest = (await get(`/onboarding/stuck?from=2026-11-09&sort=joined&limit=2&cursor=${byJoin.nextCursor}`)).body;
    expect([...byJoin.members, ...rest.members].map((m: { userId: string }) => m.userId)).toEqual([M.m2, M.m3, M.m4, M.m6]);
  });

  it('follows the flow’s threshold and leaves out those who completed or left', async () => {
    expect((await patch({ onboarding: sampleFlow({ stuck_after_hours: 24 * 30 }) })).status).toBe(200);
    expect((await get('/onboarding/stuck')).body.members.map((m: { userId: string }) => m.userId)).toEqual([]);
    expect((await patch({ onboarding: sampleFlow({ stuck_after_hours: 1 }) })).status).toBe(200);
    const ids = (await get('/onboarding/stuck')).body.members.map((m: { userId: string }) => m.userId);
    expect(ids).toEqual([M.m8, M.m2, M.m3, M.m4, M.m6, M.m9]);
    expect(ids).not.toContain(M.m1);
    expect(ids).not.toContain(M.m5);
  });

  it('answers nobody for a step the flow does not have', async () => {
    const { status, body } = await get('/onboarding/stuck?step=nope');
    expect(status).toBe(200);
    expect(body.members).toEqual([]);
  });

  it.each([
    ['a cursor it did not give', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit of 2^53', `?limit=${2 ** 53}`, 'limit'],
    ['an unknown order', '?sort=random', 'sort'],
    ['a 10,000-character step', `?step=${'a'.repeat(10_000)}`, 'step'],
  ])('refuses %s at its parameter', async (_, query, path) => {
    const { status, body } = await get(`/onboarding/stuck${query}`);
    expect(status).toBe(422);
    expect(paths(body)).toEqual([path]);
  });
});

it('refuses a NUL in a query value before any route reads it (400 at query.step)', async () => {
  const { status, body } = await get('/onboarding/stuck?step=intro%00');
  expect(status).toBe(400);
  expect(paths(body)).toEqual(['query.step']);
});

describe('GET /onboarding/members/:userId', () => {
  it('shows the steps done with their times, the answers in words, and where the member is', async () => {
    const { status, body } = await get(`/onboarding/members/${M.m2}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      userId: M.m2, joinedAt: '2026-11-17T15:00:00.000Z', welcomeStatus: 'sent', atStep: 'voice', stuck: true, completedAt: null, leftAt: null,
      answers: [{ question: 'region', prompt: 'Where are you?', options: [{ key: 'eu', label: 'Europe' }] }],
      steps: [
        { key: 'intro', label: 'Introduce yourself', completedAt: '2026-11-17T16:00:00.000Z', sourceId: `seed:${M.m2}:intro` },
        { key: 'rules', label: 'React to the rules', completedAt: '2026-11-17T17:00:00.000Z' },
        { key: 'voice', label: 'First voice session', completedAt: null, sourceId: null },
      ],
      otherSteps: [],
    });
  });

  it('is 404 for a member without onboarding and 422 for an id that is not a snowflake', async () => {
    expect((await get('/onboarding/members/123456789012345678')).status).toBe(404);
    const bad = await get(`/onboarding/members/${2 ** 53}x`);
    expect(bad.status).toBe(422);
    expect(paths(bad.body)).toEqual(['userId']);
  });
});

describe('credentials and guilds', () => {
  it('refuses a request without credentials (401), another guild’s token (403), and an unknown guild (404)', async () => {
    for (const path of ['/onboarding/funnel', '/onboarding/stuck', `/onboarding/members/${M.m2}`]) {
      expect((await get(path, null)).status).toBe(401);
    }
    const other = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'other admin', guildIds: [OTHER_GUILD] } }))).token as string;
    for (const path of ['/onboarding/funnel', '/onboarding/stuck', `/onboarding/members/${M.m2}`]) {
      expect((await get(path, other)).status).toBe(403);
    }
    expect((await api.request('/api/guilds/1160511689263940000/onboarding/funnel')).status).toBe(404);
  });

  it('never counts another guild’s members', async () => {
    const body = await json(await api.request(`/api/guilds/${OTHER_GUILD}/onboarding/funnel?from=2026-11-16&to=2026-11-22`));
    expect(body.stages[0].members).toBe(1);
  });
});

describe('PATCH /settings with a flow', () => {
  it('stores the flow with its defaults, versioned in the settings history', async () => {
    const stored = (await get('/settings')).body.onboarding;
    expect(stored.steps.map((s: { key: string }) => s.key)).toEqual(['intro', 'rules', 'voice']);
    expect(stored.steps[0]).toMatchObject({ description: '', trigger: { count: 1 } });
    const history = (await get(`/history/settings/${GUILD}`)).body;
    expect(history.versions[0].document.onboarding.steps).toHaveLength(3);
  });

  const flow = sampleFlow();
  const steps = flow.steps!;
  const BAD: [string, unknown, string[]][] = [
    ['a repeated step key', { ...flow, steps: [steps[0], steps[1], { ...steps[2], key: 'intro' }] }, ['onboarding.steps[2].key']],
    ['an unknown trigger type', { ...flow, steps: [steps[0], { ...steps[1], trigger: { type: 'telepathy' } }] }, ['onboarding.steps[1].trigger.type']],
    ['a condition with an unknown operation', { ...flow, steps: [{ ...steps[0], trigger: { type: 'message_create', when: { frobnicate: [1] } } }] }, ['onboarding.steps[0].trigger.when.frobnicate']],
    ['a condition reading outside the context', { ...flow, steps: [{ ...steps[0], trigger: { type: 'message_create', when: { var: 'process.env' } } }] }, ['onboarding.steps[0].trigger.when.var']],
    ['a condition that is text', { ...flow, steps: [{ ...steps[0], trigger: { type: 'message_create', when: 'true' } }] }, ['onboarding.steps[0].trigger.when']],
    ['an option role that is not a snowflake', { ...flow, questionnaire: { ...flow.questionnaire, questions: [{ ...flow.questionnaire!.questions![0]!, options: [{ key: 'eu', label: 'Europe', role_ids: ['admins'] }] }] } }, ['onboarding.questionnaire.questions[0].options[0].role_ids[0]']],
    ['a role id as the number 2^53', { ...flow, completion_role_ids: [2 ** 53] }, ['onboarding.completion_role_ids[0]']],
    ['a count of 2^53', { ...flow, steps: [{ ...steps[0], trigger: { type: 'message_create', count: 2 ** 53 } }] }, ['onboarding.steps[0].trigger.count']],
    ['a 10,000-character template', { ...flow, welcome: { ...flow.welcome, template: 'x'.repeat(10_000) } }, ['onboarding.welcome.template']],
    ['a NUL in a step label', { ...flow, steps: [{ ...steps[0], label: 'intro\u0000' }] }, ['onboarding.steps[0].label']],
    ['a questionnaire step without a questionnaire', { ...flow, questionnaire: { enabled: false, questions: [] }, steps: [{ key: 'answer', label: 'Answer', kind: 'questionnaire' }] }, ['onboarding.steps[0].kind']],
    ['a channel welcome without its channel', { ...flow, welcome: { ...flow.welcome, channel_id: null } }, ['onboarding.welcome.channel_id']],
    ['a threshold of 0 hours', { ...flow, stuck_after_hours: 0 }, ['onboarding.stuck_after_hours']],
  ];
  it.each(BAD)('refuses %s at its field path and changes nothing', async (_, onboarding, expected) => {
    const before = (await get('/settings')).body.onboarding;
    const { status, body } = await patch({ onboarding });
    expect(status).toBe(422);
    expect(paths(body)).toEqual(expected);
    expect((await get('/settings')).body.onboarding).toEqual(before);
  });
});
