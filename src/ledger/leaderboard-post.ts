// The optional weekly or monthly leaderboard post: a guild's settings name the channel, currency
// and cadence; once per period the top members are posted through the outbox (so it is sent once,
// with retries, like every Discord side effect).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../db/client.ts';
import { Snowflake } from '../events/lake-event.ts';
import { labelsFor } from '../guilds/labels.ts';
import { leaderboard } from './leaderboard.ts';

export const LeaderboardPostSchema = z
  .object({
    channel_id: Snowflake,
    currency: z.string().min(1).max(32),
    cadence: z.enum(['weekly', 'monthly']),
    top: z.number().int().min(1).max(25).default(10),
    /** Rank by the current season (default) or all time. */
    period: z.enum(['season', 'all']).default('season'),
  })
  .strict();

export type LeaderboardPost = z.output<typeof LeaderboardPostSchema>;

/** The period a moment falls in: ISO week "2026-W48" or month "2026-11" (UTC). */
export function periodKey(at: Date, cadence: 'weekly' | 'monthly'): string {
  if (cadence === 'monthly') return at.toISOString().slice(0, 7);
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - weekday + 3); // the week's Thursday decides its year
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((day.getTime() - yearStart.getTime()) / 86_400_000 - 3 + ((yearStart.getUTCDay() + 6) % 7)) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Queues this period's post for every guild that asks for one and has not had it yet. */
export async function queueLeaderboardPosts(db: Db, now = new Date()): Promise<string[]> {
  const rows = await queryRows<{ id: string; post: unknown; settings: Record<string, unknown> }>(db, sql`SELECT id::text, settings->'leaderboard_post' AS post, settings FROM guilds WHERE settings ? 'leaderboard_post'`);
  const queued: string[] = [];
  for (const row of rows) {
    const parsed = LeaderboardPostSchema.safeParse(row.post);
    if (!parsed.success) continue;
    const post = parsed.data;
    const key = `${post.cadence}:${periodKey(now, post.cadence)}`;
    const board = await leaderboard(db, row.id, { currency: post.currency, limit: post.top, ...(post.period === 'season' ? { season: 'current' as const } : {}) });
    if (!board.ok || board.board.entries.length === 0) continue;
    const lines = board.board.entries.map((e) => `**${e.rank}.** <@${e.userId}> — ${e.value}`);
    const currency = labelsFor(row.settings).currency({ key: board.board.currency, name: board.board.currencyName });
    const title = `${post.cadence === 'weekly' ? 'Weekly' : 'Monthly'} leaderboard · ${currency}`;
    // One post per guild and period: the insert skips periods already queued.
    const inserted = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO outbox (guild_id, kind, payload)
          SELECT ${row.id}, 'message', ${JSON.stringify({ channel_id: post.channel_id, content: '', embed: { title, description: lines.join('\n'), color: 0x3498db }, leaderboard_period: key })}::jsonb
          WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE guild_id = ${row.id} AND payload->>'leaderboard_period' = ${key})
          RETURNING id::text`,
    );
    if (inserted.length > 0) queued.push(row.id);
  }
  return queued;
}
