// Builders for onboarding data: a flow (settings.onboarding) and members' progress rows inserted
// straight into onboarding_members / onboarding_steps (the bot's side is tested elsewhere).
import type { Database } from '../../src/db/client.ts';
import { onboardingMembers, onboardingSteps } from '../../src/db/schema.ts';
import type { OnboardingFlowInput } from '../../src/api/contract.ts';

export const WELCOME_CHANNEL = '1111111111111111112';
export const ROLE_EU = '2222222222222222221';
export const ROLE_DONE = '2222222222222222223';

/** A flow with a welcome, a one-question questionnaire and three steps: intro → rules → voice. */
export function sampleFlow(overrides: Partial<OnboardingFlowInput> = {}): OnboardingFlowInput {
  return {
    enabled: true,
    welcome: { enabled: true, where: 'channel', channel_id: WELCOME_CHANNEL, template: 'Welcome {member} to {server}!\n{checklist}' },
    questionnaire: {
      enabled: true, where: 'dm', channel_id: null,
      questions: [{ key: 'region', prompt: 'Where are you?', style: 'buttons', options: [{ key: 'eu', label: 'Europe', role_ids: [ROLE_EU] }, { key: 'us', label: 'Americas' }] }],
    },
    steps: [
      { key: 'intro', label: 'Introduce yourself', kind: 'event', trigger: { type: 'message_create', channel_ids: [WELCOME_CHANNEL] } },
      { key: 'rules', label: 'React to the rules', kind: 'event', trigger: { type: 'reaction_add' } },
      { key: 'voice', label: 'First voice session', kind: 'event', trigger: { type: 'voice_session_end', when: { '>=': [{ var: 'event.data.duration_seconds' }, 60] } } },
    ],
    completion_role_ids: [ROLE_DONE],
    stuck_after_hours: 72,
    ...overrides,
  };
}

export interface MemberSeed {
  userId: string;
  joinedAt: string | Date;
  /** Steps done, with when (default: an hour after joining, one hour apart). */
  steps?: (string | [string, string | Date])[];
  welcomed?: boolean;
  answers?: Record<string, string[]>;
  answeredAt?: string | Date;
  completedAt?: string | Date;
  leftAt?: string | Date;
  lastProgressAt?: string | Date;
}

const date = (d: string | Date) => (typeof d === 'string' ? new Date(d) : d);

/** Inserts onboarding members and their steps (batched, for big guilds too). */
export async function seedOnboarding(database: Database, guildId: string, members: MemberSeed[]): Promise<void> {
  const memberRows = [];
  const stepRows = [];
  for (const m of members) {
    const joined = date(m.joinedAt);
    const done = (m.steps ?? []).map((s, i) => (typeof s === 'string' ? { step: s, at: new Date(joined.getTime() + (i + 1) * 3_600_000) } : { step: s[0], at: date(s[1]) }));
    const lastStep = done.reduce((t, d) => Math.max(t, d.at.getTime()), joined.getTime());
    memberRows.push({
      guildId, userId: m.userId, joinedAt: joined,
      welcomeStatus: m.welcomed === false ? 'failed' : 'sent', welcomedAt: m.welcomed === false ? null : joined,
      answers: m.answers ?? {}, answeredAt: m.answeredAt ? date(m.answeredAt) : null,
      lastProgressAt: m.lastProgressAt ? date(m.lastProgressAt) : new Date(lastStep),
      completedAt: m.completedAt ? date(m.completedAt) : null, leftAt: m.leftAt ? date(m.leftAt) : null,
    });
    for (const d of done) stepRows.push({ guildId, userId: m.userId, step: d.step, completedAt: d.at, sourceId: `seed:${m.userId}:${d.step}` });
  }
  for (let i = 0; i < memberRows.length; i += 2000) await database.db.insert(onboardingMembers).values(memberRows.slice(i, i + 2000));
  for (let i = 0; i < stepRows.length; i += 3000) await database.db.insert(onboardingSteps).values(stepRows.slice(i, i + 3000));
}

/** The n-th test member's id (distinct snowflakes). */
export const memberId = (n: number) => String(900000000000000000n + BigInt(n));
