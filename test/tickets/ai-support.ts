// Builders for the desk's AI tests: tickets and their kept messages written straight to the
// tables (the Discord side is not needed to summarise or suggest), the guild's ticket settings,
// and a FAQ lookup over a test-local list of entries.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { guilds, ticketMessages, tickets } from '../../src/db/schema.ts';
import type { FaqHit, FaqLookup } from '../../src/tickets/faq-lookup.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

export const STAFF = BOB;
export const MEMBER = ALICE;

let messageSeq = 0n;

export interface TicketSeed {
  guildId?: string;
  number?: number;
  subject?: string;
  status?: 'open' | 'claimed' | 'waiting' | 'closed';
  closedAt?: Date | null;
  messages?: { from: 'member' | 'staff'; text: string }[];
}

/** A ticket (closed at `closedAt` by default) and, if given, its kept messages. */
export async function seedTicket(database: Database, seed: TicketSeed & { closedAt: Date | null }): Promise<number> {
  const guildId = seed.guildId ?? GUILD;
  const number = seed.number ?? 1;
  const closed = seed.status === undefined || seed.status === 'closed';
  const openedAt = new Date((seed.closedAt ?? new Date('2026-11-30T10:00:00Z')).getTime() - 3_600_000);
  await database.db.insert(tickets).values({
    guildId, number, openerId: MEMBER, mode: 'thread', channelId: '4444444444444444444', subject: seed.subject ?? 'I cannot claim my daily reward',
    status: seed.status ?? 'closed', claimedBy: STAFF, openedAt, closedAt: closed ? seed.closedAt : null, closedBy: closed ? STAFF : null, closeReason: closed ? 'fixed' : null,
  });
  const rows = (seed.messages ?? []).map((m, i) => ({
    guildId, number, messageId: String(5555555555555555555n + ++messageSeq), authorId: m.from === 'member' ? MEMBER : STAFF, content: m.text, sentAt: new Date(openedAt.getTime() + (i + 1) * 60_000),
  }));
  if (rows.length > 0) await database.db.insert(ticketMessages).values(rows);
  return number;
}

/** Sets keys of the guild's settings document directly (as stored), e.g. { tickets: {...} }. */
export async function setGuildSettings(database: Database, patch: Record<string, unknown>, guildId = GUILD): Promise<void> {
  await database.db.update(guilds).set({ settings: sql`${guilds.settings} || ${JSON.stringify(patch)}::jsonb` }).where(eq(guilds.id, guildId));
}

export const transcriptsOn = { tickets: { transcripts: { enabled: true, retention_days: 30, attach_on_close: false } } };

export const CONVERSATION = [
  { from: 'member' as const, text: 'Hi, /daily says I already claimed today but I did not.' },
  { from: 'staff' as const, text: 'The day resets at midnight UTC, not your local midnight.' },
  { from: 'member' as const, text: 'Ah, that explains it, thanks!' },
];

export const FAQ: FaqHit[] = [
  { key: 'daily-reset', question: 'When does the daily reward reset?', answer: 'Daily rewards reset at **00:00 UTC**.', tags: ['daily', 'reward'], rank: 0 },
  { key: 'appeal', question: 'How do I appeal a ban?', answer: 'Open an *appeal* ticket and staff reviews it within 48 hours.', tags: ['ban', 'appeal'], rank: 0 },
  { key: 'roles', question: 'How do I get roles?', answer: 'Pick them in #roles.', tags: ['roles'], rank: 0 },
];

/** A FAQ lookup over a list: entries whose question, tags or answer share a word (4+ letters) with the query, ranked by how many. */
export function listFaq(entries: FaqHit[], guildId = GUILD): FaqLookup & { queries: string[] } {
  const queries: string[] = [];
  const words = (t: string) => new Set(t.toLowerCase().match(/[a-z]{4,}/g) ?? []);
  const lookup = async (g: string, query: string, limit: number) => {
    queries.push(query);
    if (g !== guildId) return [];
    const q = words(query);
    return entries
      .map((e) => ({ ...e, rank: [...words(`${e.question} ${e.tags.join(' ')} ${e.answer}`)].filter((w) => q.has(w)).length }))
      .filter((e) => e.rank > 0)
      .sort((a, b) => b.rank - a.rank)
      .slice(0, limit);
  };
  return Object.assign(lookup, { queries });
}
