// Searches that found no good answer, counted per normalised query: the list admins turn into entries.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { faqUnanswered } from '../db/schema.ts';
import { normalizeQuery } from './query.ts';

export interface UnansweredSearch {
  id: number;
  query: string;
  count: number;
  first_asked_at: string;
  last_asked_at: string;
  last_asked_by: string | null;
}

/** Counts one more ask of this query (nothing for a query that normalises to nothing). */
export async function recordUnanswered(exec: Executor, guildId: string, query: string, askedBy: string | null, at: Date): Promise<void> {
  const normal = normalizeQuery(query);
  if (!normal) return;
  await exec
    .insert(faqUnanswered)
    .values({ guildId, query: normal, count: 1, firstAskedAt: at, lastAskedAt: at, lastAskedBy: askedBy })
    .onConflictDoUpdate({
      target: [faqUnanswered.guildId, faqUnanswered.query],
      set: { count: sql`${faqUnanswered.count} + 1`, lastAskedAt: sql`greatest(${faqUnanswered.lastAskedAt}, excluded.last_asked_at)`, lastAskedBy: askedBy },
    });
}

/** Most asked first, then most recent. */
export async function listUnanswered(exec: Executor, guildId: string, limit = 100): Promise<UnansweredSearch[]> {
  const rows = await exec.select().from(faqUnanswered).where(eq(faqUnanswered.guildId, guildId)).orderBy(desc(faqUnanswered.count), desc(faqUnanswered.lastAskedAt)).limit(limit);
  return rows.map(toUnanswered);
}

/** Removes one from the list; the removed row, or undefined when this guild has none with that id. */
export async function dismissUnanswered(exec: Executor, guildId: string, id: number): Promise<UnansweredSearch | undefined> {
  const [r] = await exec.delete(faqUnanswered).where(and(eq(faqUnanswered.guildId, guildId), eq(faqUnanswered.id, id))).returning();
  return r ? toUnanswered(r) : undefined;
}

const toUnanswered = (r: typeof faqUnanswered.$inferSelect): UnansweredSearch => ({ id: r.id, query: r.query, count: r.count, first_asked_at: r.firstAskedAt.toISOString(), last_asked_at: r.lastAskedAt.toISOString(), last_asked_by: r.lastAskedBy });
