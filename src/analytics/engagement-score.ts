// The engagement score as a guild configures it (settings.engagement): a weighted sum of what a
// member did in a week. The default is the Community OS formula, messages × 1 + reactions × 0.5.
// One definition serves the panel, the API, the CSV and the BI view: the SQL function
// analytics.engagement_score (drizzle/0020_engagement_score.sql) whose defaults equal these.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';

/** Weights have at most two decimals, so the score is exact in SQL numeric. */
const Weight = z
  .number()
  .min(0)
  .max(1000)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-9, 'at most two decimals');

export const EngagementWeights = z
  .object({
    message: Weight.meta({ description: 'per message sent' }),
    reaction: Weight.meta({ description: 'per reaction given' }),
    voice_minute: Weight.meta({ description: 'per minute in voice outside AFK' }),
    event_attended: Weight.meta({ description: 'per scheduled-event attendance' }),
  })
  .partial()
  .strict();

export const EngagementSettings = z.object({ weights: EngagementWeights }).partial().strict().meta({ id: 'EngagementSettings' });
export type EngagementWeights = Required<z.output<typeof EngagementWeights>>;

export const DEFAULT_ENGAGEMENT_WEIGHTS = { message: 1, reaction: 0.5, voice_minute: 0, event_attended: 0 } as const satisfies EngagementWeights;

/**
 * The weights in force for a guild's settings document: each unreadable or missing weight counts as
 * its default, as analytics.engagement_weight does in SQL.
 */
export function engagementWeightsOf(settings: Record<string, unknown>): EngagementWeights {
  const engagement = settings.engagement;
  const stored = typeof engagement === 'object' && engagement !== null ? (engagement as { weights?: unknown }).weights : undefined;
  const raw = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const weights: EngagementWeights = { ...DEFAULT_ENGAGEMENT_WEIGHTS };
  for (const key of Object.keys(weights) as (keyof EngagementWeights)[]) {
    const w = Weight.safeParse(raw[key]);
    if (w.success) weights[key] = w.data;
  }
  return weights;
}

/** The formula in words, for the panel and the API. */
export function describeScore(w: EngagementWeights): string {
  const terms = [
    [w.message, 'messages'],
    [w.reaction, 'reactions'],
    [w.voice_minute, 'voice minutes'],
    [w.event_attended, 'events attended'],
  ] as const;
  const used = terms.filter(([weight]) => weight > 0).map(([weight, what]) => `${what} × ${weight}`);
  return used.length > 0 ? used.join(' + ') : '0 (every weight is 0)';
}

/** The score of member_weekly-shaped columns (messages, reactions, events_attended, voice_seconds) under `weights`. */
export function scoreSql(weights: EngagementWeights, alias?: string): SQL {
  const col = (name: string) => sql.raw(alias ? `${alias}.${name}` : name);
  return sql`analytics.engagement_score(${JSON.stringify(weights)}::jsonb, ${col('messages')}, ${col('reactions')}, ${col('events_attended')}, ${col('voice_seconds')})`;
}
