// The weekly digest (optional): a short natural-language summary of a guild's past week, written
// by Gemini from aggregate figures only (no message text, no names: members appear as mentions),
// posted once per week through the outbox to settings.ai.digest_channel_id.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../db/client.ts';
import type { AiService } from './ai-service.ts';
import type { AiResult } from './errors.ts';

export interface WeekStats {
  week: string;
  from: string;
  to: string;
  events: Record<string, number>;
  active_members: number;
  joins: number;
  leaves: number;
  top_earners: { user_id: string; currency: string; earned: number }[];
  milestones_earned: number;
}

/** The last full week (Monday 00:00 UTC to Monday 00:00 UTC) before `now`. */
export function lastWeek(now: Date): { from: Date; to: Date; key: string } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const to = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * 86_400_000);
  const from = new Date(to.getTime() - 7 * 86_400_000);
  return { from, to, key: from.toISOString().slice(0, 10) };
}

export async function weekStats(db: Db, guildId: string, now: Date): Promise<WeekStats> {
  const { from, to, key } = lastWeek(now);
  const f = from.toISOString();
  const t = to.toISOString();
  const events = await queryRows<{ type: string; n: string; members: string }>(
    db,
    sql`SELECT event_type AS type, sum(count)::text AS n, count(DISTINCT user_id)::text AS members FROM event_counters_daily
        WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${f.slice(0, 10)}::date AND day < ${t.slice(0, 10)}::date GROUP BY 1 ORDER BY 1`,
  );
  const [active] = await queryRows<{ n: string }>(
    db,
    sql`SELECT count(DISTINCT user_id)::text AS n FROM event_counters_daily
        WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${f.slice(0, 10)}::date AND day < ${t.slice(0, 10)}::date
          AND event_type NOT IN ('member_join', 'member_leave', 'currency_credited', 'currency_debited', 'level_up', 'milestone_earned', 'season_roll', 'shop_purchase')`,
  );
  const top = await queryRows<{ user_id: string; currency: string; earned: string }>(
    db,
    sql`SELECT t.user_id::text, c.key AS currency, sum(t.delta)::text AS earned FROM transactions t JOIN currencies c ON c.id = t.currency_id
        WHERE t.guild_id = ${guildId} AND t.delta > 0 AND t.at >= ${f}::timestamptz AND t.at < ${t}::timestamptz
        GROUP BY 1, 2 ORDER BY sum(t.delta) DESC, 1 LIMIT 5`,
  );
  const [milestones] = await queryRows<{ n: string }>(
    db,
    sql`SELECT count(*)::text AS n FROM member_milestones WHERE guild_id = ${guildId} AND earned_at >= ${f}::timestamptz AND earned_at < ${t}::timestamptz`,
  );
  const counts = Object.fromEntries(events.map((e) => [e.type, Number(e.n)]));
  return {
    week: key,
    from: f,
    to: t,
    events: counts,
    active_members: Number(active?.n ?? 0),
    joins: counts.member_join ?? 0,
    leaves: counts.member_leave ?? 0,
    top_earners: top.map((r) => ({ user_id: r.user_id, currency: r.currency, earned: Number(r.earned) })),
    milestones_earned: Number(milestones?.n ?? 0),
  };
}

export const DigestSchema = z.object({
  title: z.string().trim().min(1).max(120),
  summary: z.string().trim().min(1).max(1500),
  highlights: z.array(z.string().trim().min(1).max(200)).max(6),
});
export type Digest = z.infer<typeof DigestSchema>;

const DigestResponseSchema = {
  type: 'OBJECT',
  properties: {
    title: { type: 'STRING' },
    summary: { type: 'STRING', description: 'Three to five friendly sentences about the week.' },
    highlights: { type: 'ARRAY', items: { type: 'STRING' }, description: 'Up to five short bullet points.' },
  },
  required: ['title', 'summary', 'highlights'],
} as const;

const SYSTEM = [
  "You write the weekly digest of a Discord community from its activity figures. Be warm, concrete and brief;",
  'mention members only as the <@id> mentions given; never invent numbers that are not in the figures; if the week was quiet, say so kindly.',
].join(' ');

export async function writeDigest(ai: AiService, guildId: string, stats: WeekStats): Promise<AiResult<Digest>> {
  return ai.structured({
    feature: 'digest',
    guildId,
    system: SYSTEM,
    prompt: `Figures for the week starting ${stats.week} (UTC):\n${JSON.stringify({ ...stats, top_earners: stats.top_earners.map((e) => ({ member: `<@${e.user_id}>`, currency: e.currency, earned: e.earned })) })}`,
    responseSchema: DigestResponseSchema,
    parse: DigestSchema,
    maxOutputTokens: 1024,
  });
}

export function digestEmbed(digest: Digest, week: string) {
  const highlights = digest.highlights.map((h) => `• ${h}`).join('\n');
  return {
    title: digest.title,
    description: `${digest.summary}${highlights ? `\n\n${highlights}` : ''}`.slice(0, 4096),
    color: 0x5865f2,
    footer: { text: `Week of ${week} · written by AI from Cairn's figures` },
  };
}

/** Queues the digest of the last week for one guild, once (the outbox row is keyed by the week). */
export async function queueDigest(db: Db, guildId: string, channelId: string, week: string, digest: Digest): Promise<boolean> {
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO outbox (guild_id, kind, payload)
        SELECT ${guildId}, 'message', ${JSON.stringify({ channel_id: channelId, content: '', embed: digestEmbed(digest, week), digest_week: week })}::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE guild_id = ${guildId} AND payload->>'digest_week' = ${week})
        RETURNING id::text`,
  );
  return inserted.length > 0;
}

/** The scheduled job: every guild with a digest channel gets last week's digest once. */
export async function queueWeeklyDigests(ai: AiService, db: Db, now: Date): Promise<{ queued: string[]; failed: { guild: string; reason: string }[] }> {
  const out = { queued: [] as string[], failed: [] as { guild: string; reason: string }[] };
  if (!ai.enabled) return out;
  const { key } = lastWeek(now);
  const guilds = await queryRows<{ id: string; channel: string }>(
    db,
    sql`SELECT g.id::text, g.settings->'ai'->>'digest_channel_id' AS channel FROM guilds g
        WHERE g.settings->'ai'->>'digest_channel_id' IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.guild_id = g.id AND o.payload->>'digest_week' = ${key})`,
  );
  for (const g of guilds) {
    const stats = await weekStats(db, g.id, now);
    const result = await writeDigest(ai, g.id, stats);
    if (!result.ok) {
      out.failed.push({ guild: g.id, reason: result.failure.message });
      continue;
    }
    if (await queueDigest(db, g.id, g.channel, key, result.value)) out.queued.push(g.id);
  }
  return out;
}
