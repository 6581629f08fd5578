// Reading and voting: a view or a "this helped" goes to the lake through the pipeline (rules can
// react) and counts on the entry once, even when Discord replays the interaction.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { faqEntries, faqVotes } from '../db/schema.ts';
import type { IngestPipeline } from '../pipeline/ingest.ts';
import { helpfulEvent, viewedEvent, type ViewVia } from './events.ts';
import type { StoredFaqEntry } from './repository.ts';

export interface Reader {
  guildId: string;
  memberId: string;
  channelId: string | null;
  /** When it happened (the interaction's time, so a replay is the same event). */
  occurredAt: string;
}

async function ingestOne(pipeline: IngestPipeline, event: ReturnType<typeof viewedEvent>): Promise<{ duplicate: boolean }> {
  const result = await pipeline.ingest([event], { origin: 'gateway', guildId: event.guild_id });
  if (result.rejected.length > 0) throw new Error(`${event.type} event rejected: ${JSON.stringify(result.rejected[0]!.errors)}`);
  return { duplicate: result.duplicate > 0 };
}

/** Records a view (`sourceId`: what makes it one view, e.g. the interaction id); true when it was new. */
export async function recordView(db: Db, pipeline: IngestPipeline, entry: Pick<StoredFaqEntry, 'key' | 'author_id'>, reader: Reader & { via: ViewVia; sourceId: string }): Promise<boolean> {
  const { duplicate } = await ingestOne(pipeline, viewedEvent({ ...reader, entry: entry.key, authorId: entry.author_id }));
  if (duplicate) return false;
  await db.update(faqEntries).set({ views: sql`${faqEntries.views} + 1` }).where(and(eq(faqEntries.guildId, reader.guildId), eq(faqEntries.key, entry.key)));
  return true;
}

/**
 * Records "this helped" once per member per entry; true when this vote is new. The event goes first
 * (a duplicate there is harmless), so a crash between the two is repaired by the next click.
 */
export async function recordHelpful(db: Db, pipeline: IngestPipeline, entry: Pick<StoredFaqEntry, 'key' | 'author_id'>, voter: Reader): Promise<boolean> {
  await ingestOne(pipeline, helpfulEvent({ ...voter, entry: entry.key, authorId: entry.author_id }));
  return db.transaction(async (tx) => {
    const inserted = await tx.insert(faqVotes).values({ guildId: voter.guildId, entryKey: entry.key, userId: voter.memberId, votedAt: new Date(voter.occurredAt) }).onConflictDoNothing().returning();
    if (inserted.length === 0) return false;
    await tx.update(faqEntries).set({ helpful: sql`${faqEntries.helpful} + 1` }).where(and(eq(faqEntries.guildId, voter.guildId), eq(faqEntries.key, entry.key)));
    return true;
  });
}
