// The onboarding tables' one access layer: enrolling a new member (once), leaving, the welcome's
// outcome, the members a batch of events can move forward, steps completed (once each, by primary
// key) and completion (once, by `completed_at IS NULL`).
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { bigintArray } from '../db/sql.ts';

/**
 * How the welcome went. pending: queued; sent: in a DM; channel: posted in the welcome channel (as
 * configured); fallback: the DM was refused, posted in the channel instead; dm_refused: refused and
 * no channel to fall back to; failed: Discord refused otherwise; skipped: the welcome is off.
 */
export type WelcomeStatus = 'pending' | 'sent' | 'channel' | 'fallback' | 'dm_refused' | 'failed' | 'skipped';

/** An outbox row to write with the onboarding change that causes it. */
export interface OutboxItem {
  kind: string;
  payload: Record<string, unknown>;
}

export async function writeOutbox(exec: Executor, guildId: string, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  await exec.execute(sql`INSERT INTO outbox (guild_id, kind, payload)
    SELECT ${guildId}, k, p FROM json_to_recordset(${JSON.stringify(items.map((i, n) => ({ k: i.kind, p: i.payload, n })))}::json) AS v(k text, p jsonb, n int) ORDER BY n`);
}

/**
 * Enrolls members who joined (once: a replayed join finds them enrolled). Returns those new to the
 * flow; a member who comes back after leaving carries on where they were (left_at cleared).
 */
export async function enroll(exec: Executor, guildId: string, joins: { userId: string; at: string }[], welcomeStatus: WelcomeStatus): Promise<string[]> {
  if (joins.length === 0) return [];
  const rows = JSON.stringify(joins.map((j) => ({ u: j.userId, t: j.at })));
  const inserted = await queryRows<{ user_id: string }>(
    exec,
    sql`INSERT INTO onboarding_members (guild_id, user_id, joined_at, welcome_status, last_progress_at)
        SELECT ${guildId}, u, t, ${welcomeStatus}, t FROM json_to_recordset(${rows}::json) AS v(u bigint, t timestamptz) ORDER BY u
        ON CONFLICT (guild_id, user_id) DO NOTHING
        RETURNING user_id::text`,
  );
  const fresh = new Set(inserted.map((r) => r.user_id));
  const back = joins.filter((j) => !fresh.has(j.userId)).map((j) => j.userId);
  if (back.length > 0) {
    await exec.execute(sql`UPDATE onboarding_members SET left_at = NULL WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(back)}) AND left_at IS NOT NULL`);
  }
  return [...fresh];
}

/** Members who left while still onboarding. */
export async function markLeft(exec: Executor, guildId: string, leaves: { userId: string; at: string }[]): Promise<void> {
  if (leaves.length === 0) return;
  await exec.execute(sql`UPDATE onboarding_members m SET left_at = v.t
    FROM json_to_recordset(${JSON.stringify(leaves.map((l) => ({ u: l.userId, t: l.at })))}::json) AS v(u bigint, t timestamptz)
    WHERE m.guild_id = ${guildId} AND m.user_id = v.u AND m.completed_at IS NULL`);
}

export async function recordWelcome(exec: Executor, guildId: string, userId: string, status: WelcomeStatus): Promise<void> {
  await exec.execute(sql`UPDATE onboarding_members SET welcome_status = ${status}, welcomed_at = CASE WHEN ${status} IN ('sent', 'channel', 'fallback') THEN now() ELSE welcomed_at END
    WHERE guild_id = ${guildId} AND user_id = ${userId}`);
}

export interface ActiveMember {
  userId: string;
  joinedAt: string;
  answers: Record<string, string[]>;
  done: Set<string>;
}

/** Of these members, those still onboarding (not completed, not gone), with the steps they did. */
export async function activeMembers(exec: Executor, guildId: string, userIds: string[]): Promise<Map<string, ActiveMember>> {
  if (userIds.length === 0) return new Map();
  const rows = await queryRows<{ user_id: string; joined_at: string | Date; answers: Record<string, string[]>; done: string[] | null }>(
    exec,
    sql`SELECT m.user_id::text, m.joined_at, m.answers,
               (SELECT array_agg(s.step) FROM onboarding_steps s WHERE s.guild_id = m.guild_id AND s.user_id = m.user_id) AS done
        FROM onboarding_members m
        WHERE m.guild_id = ${guildId} AND m.user_id = ANY(${bigintArray(userIds)}) AND m.completed_at IS NULL AND m.left_at IS NULL`,
  );
  return new Map(rows.map((r) => [r.user_id, { userId: r.user_id, joinedAt: new Date(r.joined_at).toISOString(), answers: r.answers ?? {}, done: new Set(r.done ?? []) }]));
}

/** Records a completed step; false when it was already (the primary key keeps it once). */
export async function completeStep(exec: Executor, guildId: string, userId: string, step: string, at: string, sourceId: string): Promise<boolean> {
  const rows = await queryRows<{ step: string }>(
    exec,
    sql`WITH ins AS (
          INSERT INTO onboarding_steps (guild_id, user_id, step, completed_at, source_id) VALUES (${guildId}, ${userId}, ${step}, ${at}, ${sourceId})
          ON CONFLICT DO NOTHING RETURNING step
        ), progress AS (
          UPDATE onboarding_members SET last_progress_at = GREATEST(last_progress_at, ${at}::timestamptz)
          WHERE guild_id = ${guildId} AND user_id = ${userId} AND EXISTS (SELECT 1 FROM ins)
          RETURNING 1
        )
        SELECT step FROM ins`,
  );
  return rows.length > 0;
}

/** Marks the member's onboarding complete; false when it already was. Returns seconds since joining. */
export async function completeOnboarding(exec: Executor, guildId: string, userId: string, at: string): Promise<{ completed: boolean; secondsSinceJoin: number }> {
  const rows = await queryRows<{ joined_at: string | Date }>(
    exec,
    sql`UPDATE onboarding_members SET completed_at = ${at}, last_progress_at = GREATEST(last_progress_at, ${at}::timestamptz)
        WHERE guild_id = ${guildId} AND user_id = ${userId} AND completed_at IS NULL RETURNING joined_at`,
  );
  const joined = rows[0]?.joined_at;
  return { completed: joined !== undefined, secondsSinceJoin: joined === undefined ? 0 : Math.max(0, Math.floor((Date.parse(at) - new Date(joined).getTime()) / 1000)) };
}
