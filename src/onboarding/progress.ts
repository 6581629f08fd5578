// One member's way through the flow, as /onboarding shows it and the panel can: each step with
// whether and when it was done, the answers, the welcome's outcome, completion and leaving.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import type { CompiledFlow } from './flow.ts';
import type { WelcomeStatus } from './members.ts';

export interface StepProgress {
  key: string;
  label: string;
  description: string;
  kind: 'event' | 'questionnaire';
  done: boolean;
  completedAt: string | null;
}

export interface MemberProgress {
  guildId: string;
  userId: string;
  joinedAt: string;
  welcomeStatus: WelcomeStatus | null;
  answers: Record<string, string[]>;
  answeredAt: string | null;
  lastProgressAt: string;
  completedAt: string | null;
  leftAt: string | null;
  steps: StepProgress[];
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

/** The member's progress on the guild's current steps; null when they are not in the flow. */
export async function memberProgress(exec: Executor, guildId: string, userId: string, flow: Pick<CompiledFlow, 'steps'>): Promise<MemberProgress | null> {
  const [m] = await queryRows<{ joined_at: string | Date; welcome_status: WelcomeStatus | null; answers: Record<string, string[]>; answered_at: string | Date | null; last_progress_at: string | Date; completed_at: string | Date | null; left_at: string | Date | null }>(
    exec,
    sql`SELECT joined_at, welcome_status, answers, answered_at, last_progress_at, completed_at, left_at FROM onboarding_members WHERE guild_id = ${guildId} AND user_id = ${userId}`,
  );
  if (!m) return null;
  const done = new Map(
    (await queryRows<{ step: string; completed_at: string | Date }>(exec, sql`SELECT step, completed_at FROM onboarding_steps WHERE guild_id = ${guildId} AND user_id = ${userId}`)).map((r) => [r.step, iso(r.completed_at)]),
  );
  return {
    guildId,
    userId,
    joinedAt: iso(m.joined_at)!,
    welcomeStatus: m.welcome_status,
    answers: m.answers ?? {},
    answeredAt: iso(m.answered_at),
    lastProgressAt: iso(m.last_progress_at)!,
    completedAt: iso(m.completed_at),
    leftAt: iso(m.left_at),
    steps: flow.steps.map((s) => ({ key: s.key, label: s.label, description: s.description, kind: s.kind, done: done.has(s.key), completedAt: done.get(s.key) ?? null })),
  };
}
