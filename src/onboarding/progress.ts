// One member's way through onboarding: when they joined and were welcomed, their answers (with the
// questions' words), each step of the flow done or not (with when and the event that did it), and
// where they are now.
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { onboardingMembers, onboardingSteps } from '../db/schema.ts';
import type { OnboardingSettings } from './settings.ts';

export interface MemberProgress {
  userId: string;
  joinedAt: string;
  welcomeStatus: string | null;
  welcomedAt: string | null;
  answeredAt: string | null;
  answers: { question: string; prompt: string | null; options: { key: string; label: string | null }[] }[];
  steps: { key: string; label: string; completedAt: string | null; sourceId: string | null }[];
  /** Steps done that the flow no longer has. */
  otherSteps: { key: string; completedAt: string }[];
  /** The first step of the flow not done; null when all are. */
  atStep: string | null;
  lastProgressAt: string;
  completedAt: string | null;
  leftAt: string | null;
  /** Still here, not completed, and no progress for the flow's stuck_after_hours. */
  stuck: boolean;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export async function memberProgress(exec: Executor, guildId: string, userId: string, flow: OnboardingSettings, now: Date): Promise<MemberProgress | null> {
  const [m] = await exec.select().from(onboardingMembers).where(and(eq(onboardingMembers.guildId, guildId), eq(onboardingMembers.userId, userId)));
  if (!m) return null;
  const done = await exec.select().from(onboardingSteps).where(and(eq(onboardingSteps.guildId, guildId), eq(onboardingSteps.userId, userId))).orderBy(asc(onboardingSteps.completedAt));
  const byKey = new Map(done.map((d) => [d.step, d]));
  const steps = flow.steps.map((s) => {
    const d = byKey.get(s.key);
    // A questionnaire step is done once the answers are in, whether or not a row says so.
    const at = d?.completedAt ?? (s.kind === 'questionnaire' ? m.answeredAt : null);
    return { key: s.key, label: s.label, completedAt: iso(at), sourceId: d?.sourceId ?? null };
  });
  const known = new Set(flow.steps.map((s) => s.key));
  const questions = new Map(flow.questionnaire.questions.map((q) => [q.key, q]));
  const answers = Object.entries(m.answers ?? {}).map(([question, keys]) => {
    const q = questions.get(question);
    return { question, prompt: q?.prompt ?? null, options: (Array.isArray(keys) ? keys : []).map((k) => ({ key: String(k), label: q?.options.find((o) => o.key === k)?.label ?? null })) };
  });
  const stuck = m.completedAt === null && m.leftAt === null && now.getTime() - m.lastProgressAt.getTime() >= flow.stuck_after_hours * 3_600_000;
  return {
    userId,
    joinedAt: m.joinedAt.toISOString(),
    welcomeStatus: m.welcomeStatus,
    welcomedAt: iso(m.welcomedAt),
    answeredAt: iso(m.answeredAt),
    answers,
    steps,
    otherSteps: done.filter((d) => !known.has(d.step)).map((d) => ({ key: d.step, completedAt: d.completedAt.toISOString() })),
    atStep: steps.find((s) => s.completedAt === null)?.key ?? null,
    lastProgressAt: m.lastProgressAt.toISOString(),
    completedAt: iso(m.completedAt),
    leftAt: iso(m.leftAt),
    stuck,
  };
}
