// FAQ entries: saving (validated, audit-logged, a configuration version each), deleting, reading.
// Every writer goes through saveFaqEntry/deleteFaqEntry (API, /faq add|edit, preset import, restore).
import { isDeepStrictEqual } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { recordVersion } from '../config-history/record.ts';
import type { Executor } from '../db/client.ts';
import { faqEntries } from '../db/schema.ts';
import { formatPath } from '../rules/compiler.ts';
import { lockGuildConfig, type SaveResult } from '../rules/repository.ts';
import { FaqEntrySchema, FaqKey, type FaqEntry } from './schema.ts';

export interface StoredFaqEntry extends FaqEntry {
  author_id: string | null;
  views: number;
  helpful: number;
  created_at: string;
  updated_at: string;
}

type Row = typeof faqEntries.$inferSelect;

/** An entry as its save takes it (what its versions and presets hold). */
export function faqDocument(row: Row): FaqEntry {
  return { key: row.key, question: row.question, answer: row.answer, tags: row.tags, alternatives: row.alternatives };
}

export function storedEntry(row: Row): StoredFaqEntry {
  return { ...faqDocument(row), author_id: row.authorId, views: row.views, helpful: row.helpful, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
}

export interface SaveFaqOptions {
  /** The Discord member who wrote it; kept from the first save (an edit does not change the author). */
  authorId?: string | null;
}

export async function saveFaqEntry(exec: Executor, guildId: string, document: unknown, actor: string, options: SaveFaqOptions = {}): Promise<SaveResult<StoredFaqEntry>> {
  const parsed = FaqEntrySchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  await lockGuildConfig(exec, guildId);
  const entry = parsed.data;
  const [existing] = await exec.select().from(faqEntries).where(and(eq(faqEntries.guildId, guildId), eq(faqEntries.key, entry.key)));
  const previous = existing ? faqDocument(existing) : null;
  if (existing && isDeepStrictEqual(previous, entry)) return { ok: true, value: storedEntry(existing) };
  const fields = { question: entry.question, answer: entry.answer, tags: entry.tags, alternatives: entry.alternatives };
  const [row] = existing
    ? await exec.update(faqEntries).set({ ...fields, updatedAt: new Date() }).where(eq(faqEntries.id, existing.id)).returning()
    : await exec.insert(faqEntries).values({ guildId, key: entry.key, ...fields, authorId: options.authorId ?? null }).returning();
  const auditId = await audit(exec, { guildId, actor, action: existing ? 'faq.update' : 'faq.create', entityType: 'faq', entityKey: entry.key, before: previous, after: entry });
  await recordVersion(exec, { guildId, kind: 'faq', key: entry.key, actor, document: entry, previous, auditId });
  return { ok: true, value: storedEntry(row!) };
}

/** Deletes an entry (its votes stay, so a restored entry keeps who found it helpful). */
export async function deleteFaqEntry(exec: Executor, guildId: string, key: string, actor: string): Promise<boolean> {
  await lockGuildConfig(exec, guildId);
  const [row] = await exec.delete(faqEntries).where(and(eq(faqEntries.guildId, guildId), eq(faqEntries.key, key))).returning();
  if (!row) return false;
  const previous = faqDocument(row);
  const auditId = await audit(exec, { guildId, actor, action: 'faq.delete', entityType: 'faq', entityKey: key, before: previous, after: null });
  await recordVersion(exec, { guildId, kind: 'faq', key, actor, document: null, previous, auditId });
  return true;
}

/** The entry with this key; none for a key no entry could have (a typed or forged one: NUL, too long…). */
export async function getFaqEntry(exec: Executor, guildId: string, key: string): Promise<StoredFaqEntry | undefined> {
  if (!FaqKey.safeParse(key).success) return undefined;
  const [row] = await exec.select().from(faqEntries).where(and(eq(faqEntries.guildId, guildId), eq(faqEntries.key, key)));
  return row ? storedEntry(row) : undefined;
}

export async function listFaqEntries(exec: Executor, guildId: string): Promise<StoredFaqEntry[]> {
  const rows = await exec.select().from(faqEntries).where(eq(faqEntries.guildId, guildId)).orderBy(asc(faqEntries.key));
  return rows.map(storedEntry);
}
