// A member answers a question: the answer is stored, and the roles of the options chosen across the
// whole questionnaire are reconciled — roles newly earned are granted, roles no chosen option gives
// any more are removed — through the outbox, in the answer's transaction. Expected refusals come
// back as values with a sentence for the member.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { questionnaireAnswered, type CompiledFlow } from './flow.ts';
import { writeOutbox } from './members.ts';
import type { OnboardingSettings } from './settings.ts';

type Question = OnboardingSettings['questionnaire']['questions'][number];

/** A click toggles one option (buttons); a select sets the chosen options. */
export type Choice = { toggle: string } | { set: string[] };

export type AnswerRefusal = 'not_onboarding' | 'left' | 'questionnaire_off' | 'unknown_question' | 'unknown_option';

export type AnswerResult =
  | { ok: true; question: Question; chosen: string[]; answers: Record<string, string[]>; rolesAdded: string[]; rolesRemoved: string[]; answered: boolean }
  | { ok: false; code: AnswerRefusal; message: string };

/** The options a question has chosen after this choice. */
export function nextChoice(question: Question, current: readonly string[], choice: Choice): string[] {
  if ('set' in choice) return question.multiple ? [...new Set(choice.set)] : choice.set.slice(0, 1);
  if (!question.multiple) return [choice.toggle];
  return current.includes(choice.toggle) ? current.filter((k) => k !== choice.toggle) : [...current, choice.toggle];
}

/** Every role the chosen options of the whole questionnaire give. */
export function answerRoles(settings: OnboardingSettings, answers: Record<string, string[]>): Set<string> {
  const roles = new Set<string>();
  for (const q of settings.questionnaire.questions) {
    for (const o of q.options) if (answers[q.key]?.includes(o.key)) for (const r of o.role_ids) roles.add(r);
  }
  return roles;
}

const refuse = (code: AnswerRefusal, message: string): AnswerResult => ({ ok: false, code, message });

export async function answerQuestion(db: Db, input: { guildId: string; userId: string; flow: CompiledFlow; questionKey: string; choice: Choice; at: string }): Promise<AnswerResult> {
  const { guildId, userId, flow } = input;
  if (!flow.questionnaire) return refuse('questionnaire_off', 'This server has switched its questionnaire off.');
  const question = flow.settings.questionnaire.questions.find((q) => q.key === input.questionKey);
  if (!question) return refuse('unknown_question', 'This question is not asked any more; use /onboarding for the current ones.');
  const keys = 'set' in input.choice ? input.choice.set : [input.choice.toggle];
  if (keys.some((k) => !question.options.some((o) => o.key === k))) return refuse('unknown_option', 'That choice is not offered any more; use /onboarding for the current questions.');
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ answers: Record<string, string[]>; left_at: unknown }>(
      tx,
      sql`SELECT answers, left_at FROM onboarding_members WHERE guild_id = ${guildId} AND user_id = ${userId} FOR UPDATE`,
    );
    if (!row) return refuse('not_onboarding', 'You are not in this server\'s welcome flow (it starts for members who join while it is on).');
    if (row.left_at) return refuse('left', 'You are no longer a member of this server.');
    const before = row.answers ?? {};
    const chosen = nextChoice(question, before[question.key] ?? [], input.choice);
    const answers = { ...before, [question.key]: chosen };
    const had = answerRoles(flow.settings, before);
    const has = answerRoles(flow.settings, answers);
    const rolesAdded = [...has].filter((r) => !had.has(r));
    const rolesRemoved = [...had].filter((r) => !has.has(r));
    const answered = questionnaireAnswered(flow.settings, answers);
    await tx.execute(sql`UPDATE onboarding_members SET answers = ${JSON.stringify(answers)}::jsonb,
        answered_at = CASE WHEN ${answered} THEN COALESCE(answered_at, ${input.at}::timestamptz) ELSE answered_at END,
        last_progress_at = GREATEST(last_progress_at, ${input.at}::timestamptz)
      WHERE guild_id = ${guildId} AND user_id = ${userId}`);
    const reason = `onboarding answer: ${question.key}`;
    await writeOutbox(tx, guildId, [
      ...rolesRemoved.map((roleId) => ({ kind: 'role_remove', payload: { user_id: userId, role_id: roleId, reason } })),
      ...rolesAdded.map((roleId) => ({ kind: 'role_add', payload: { user_id: userId, role_id: roleId, reason } })),
    ]);
    return { ok: true, question, chosen, answers, rolesAdded, rolesRemoved, answered } as const;
  });
}
