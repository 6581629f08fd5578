// /api/guilds/:guildId/onboarding/* — the panel's read side of onboarding: the funnel of a period
// (overall and per week of joining), the members stuck at a step, and one member's progress. The
// flow itself is saved through PATCH /settings ({"onboarding": …}); this module only reads.
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { namesOf } from '../../analytics/queries/names.ts';
import { guilds } from '../../db/schema.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { isModuleEnabled } from '../../guilds/modules.ts';
import { onboardingFunnel } from '../../onboarding/funnel.ts';
import { memberProgress } from '../../onboarding/progress.ts';
import { joinRange } from '../../onboarding/range.ts';
import { onboardingSettings } from '../../onboarding/settings.ts';
import { readCursor, STUCK_SORTS, stuckMembers } from '../../onboarding/stuck.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const Day = z.string().max(10, 'must be a calendar date like 2026-11-16').refine(isDay, 'must be a calendar date like 2026-11-16');
const Period = {
  from: Day.optional().meta({ description: "first local day of joining (the guild's time zone); default: the Monday 11 weeks before this week's" }),
  to: Day.optional().meta({ description: 'last local day of joining, inclusive; default: today' }),
};
export const FunnelQuery = z.object(Period).strict();
export const StuckQuery = z
  .object({
    ...Period,
    step: z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, 'a step key: lower-case letters, digits, - and _').optional().meta({ description: 'only members at this step' }),
    sort: z.enum(STUCK_SORTS).default('idle').meta({ description: 'idle: longest without progress first; joined: earliest joiner first; newest: latest joiner first' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(200).refine((c) => readCursor(c).ok, 'is not a cursor this list gave').optional().meta({ description: 'nextCursor of the page before' }),
  })
  .strict();
const MemberParams = z.object({ userId: Snowflake });

const Rate = z.number().nullable().meta({ description: '0–1, 4 decimals; null when there is nothing to divide by' });
const Flow = z.object({ enabled: z.boolean().meta({ description: 'settings.onboarding.enabled' }), moduleEnabled: z.boolean().meta({ description: 'the onboarding module is not switched off' }) });
export const FunnelOut = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    flow: Flow,
    stages: z.array(
      z.object({
        key: z.string().meta({ description: 'joined, welcomed, step:<key>, completed' }),
        kind: z.enum(['joined', 'welcomed', 'step', 'completed']),
        label: z.string(),
        members: z.number().meta({ description: 'members who reached the stage (a step: it and every step before it done)' }),
        didStep: z.number().nullable().meta({ description: 'a step: members who did it, in any order' }),
        ofJoined: Rate,
        ofPrevious: Rate.meta({ description: 'of the stage before on the way to completion (the welcome: of those who joined)' }),
      }),
    ),
    left: z.number().meta({ description: 'joined in the period and left before completing' }),
    inProgress: z.number(),
    weeks: z.array(z.object({ week: z.string().meta({ description: 'Monday of the local week of joining' }), joined: z.number(), stages: z.array(z.number()).meta({ description: 'members who reached each stage, aligned with `stages`' }), left: z.number() })),
  })
  .meta({ id: 'OnboardingFunnel' });
export const StuckOut = z
  .object({
    from: z.string(),
    to: z.string(),
    stuckAfterHours: z.number(),
    total: z.number(),
    byStep: z.array(z.object({ step: z.string().nullable(), label: z.string().nullable(), members: z.number() })).meta({ description: 'stuck members per step (step null: every step done, completion pending)' }),
    members: z.array(
      z.object({
        userId: z.string(),
        name: z.string().nullable(),
        step: z.string().nullable(),
        stepLabel: z.string().nullable(),
        joinedAt: z.string(),
        lastProgressAt: z.string(),
        daysSinceJoining: z.number(),
        hoursWithoutProgress: z.number(),
        stepsDone: z.number(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'OnboardingStuck' });
const At = z.string().nullable();
export const ProgressOut = z
  .object({
    userId: z.string(),
    name: z.string().nullable(),
    joinedAt: z.string(),
    welcomeStatus: z.string().nullable(),
    welcomedAt: At,
    answeredAt: At,
    answers: z.array(z.object({ question: z.string(), prompt: z.string().nullable(), options: z.array(z.object({ key: z.string(), label: z.string().nullable() })) })),
    steps: z.array(z.object({ key: z.string(), label: z.string(), completedAt: At, sourceId: z.string().nullable() })),
    otherSteps: z.array(z.object({ key: z.string(), completedAt: z.string() })).meta({ description: 'steps done that the flow no longer has' }),
    atStep: z.string().nullable(),
    lastProgressAt: z.string(),
    completedAt: At,
    leftAt: At,
    stuck: z.boolean(),
  })
  .meta({ id: 'OnboardingProgress' });

const O = '/api/guilds/{guildId}/onboarding';
export const onboardingDocs: RouteDoc[] = [
  { method: 'get', path: `${O}/funnel`, summary: "Onboarding funnel of the members who joined in a period: joined → welcomed → each step in the flow's order → completed, with conversions, per local week of joining; those who left apart", tag: 'onboarding', query: FunnelQuery, response: FunnelOut },
  { method: 'get', path: `${O}/stuck`, summary: "Members of the period stuck in onboarding (no progress for the flow's stuck_after_hours), with the step they are at; keyset pages", tag: 'onboarding', query: StuckQuery, response: StuckOut },
  { method: 'get', path: `${O}/members/{userId}`, summary: "One member's onboarding: steps done with times, answers, where they are", tag: 'onboarding', response: ProgressOut },
];

async function guildContext(c: Context<AppEnv>) {
  const services = c.get('services');
  const [g] = await services.database.db.select({ timezone: guilds.timezone, settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildOf(c)));
  if (!g) throw new ApiError('not_found', 'this guild is not known to Cairn');
  return { exec: services.database.db, now: services.clock.now(), timeZone: g.timezone, settings: g.settings, flow: onboardingSettings(g.settings) };
}

function rangeOf(timeZone: string, now: Date, query: { from?: string | undefined; to?: string | undefined }) {
  const result = joinRange(timeZone, now, query.from, query.to);
  if (!result.ok) throw new ApiError('validation_failed', 'the query is invalid', result.problems);
  return result.range;
}

export function onboardingRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/funnel', async (c) => {
    const query = parseWith(FunnelQuery, c.req.query(), 'query');
    const ctx = await guildContext(c);
    const funnel = await onboardingFunnel(ctx.exec, guildOf(c), ctx.flow, rangeOf(ctx.timeZone, ctx.now, query));
    return c.json({ ...funnel, flow: { enabled: ctx.flow.enabled, moduleEnabled: isModuleEnabled(ctx.settings, 'onboarding') } });
  });

  app.get('/stuck', async (c) => {
    const query = parseWith(StuckQuery, c.req.query(), 'query');
    const ctx = await guildContext(c);
    const range = rangeOf(ctx.timeZone, ctx.now, query);
    const page = await stuckMembers(ctx.exec, guildOf(c), ctx.flow, range, ctx.now, query);
    const names = await namesOf(ctx.exec, guildOf(c), page.members);
    return c.json({ from: range.from, to: range.to, ...page, members: page.members.map((m) => ({ ...m, name: names.get(m.userId) ?? null })) });
  });

  app.get('/members/:userId', async (c) => {
    const { userId } = parseWith(MemberParams, { userId: c.req.param('userId') }, 'path');
    const ctx = await guildContext(c);
    const progress = await memberProgress(ctx.exec, guildOf(c), userId, ctx.flow, ctx.now);
    if (!progress) throw new ApiError('not_found', 'this member has no onboarding record in this guild (they joined before the flow was on, or never joined)');
    const names = await namesOf(ctx.exec, guildOf(c), [progress]);
    return c.json({ ...progress, name: names.get(userId) ?? null });
  });
  return app;
}
