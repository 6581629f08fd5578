// The summary worker: closed tickets get their AI summary after the close, never during it. A run
// claims due tickets in one statement (FOR UPDATE SKIP LOCKED) and leases them (summary_lease_until),
// so two processes never summarise one ticket and a crashed worker's claim comes back after the
// lease. Each ticket ends done, skipped (with the reason: no transcript, AI off, budget spent) or,
// after a few failed calls, failed; a reopened ticket closed again is summarised again.
import { sql } from 'drizzle-orm';
import type { AiService } from '../ai/ai-service.ts';
import type { AiFailureKind } from '../ai/errors.ts';
import { queryRows, type Db } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { loadTicket, ticketLines } from './ai-context.ts';
import { deskAiGate } from './ai-gate.ts';
import { summaryText, writeTicketSummary } from './ai-summary.ts';
import { ticketSettings } from './settings.ts';

export interface SummaryQueueOptions {
  /** Tickets claimed per run. */
  batchSize: number;
  /** How long a claim hides a ticket from other workers (longer than a Gemini call may take). */
  leaseSeconds: number;
  /** Calls per close before the summary is given up on. */
  maxAttempts: number;
  /** Wait before a failed call is tried again. */
  retryAfterSeconds: number;
  /** Tickets closed longer ago are left alone (a key configured today does not summarise the past). */
  lookbackDays: number;
}

export const DefaultSummaryQueueOptions = {
  batchSize: 10,
  leaseSeconds: 300,
  maxAttempts: 3,
  retryAfterSeconds: 120,
  lookbackDays: 7,
} as const satisfies SummaryQueueOptions;

export type SummaryOutcome = 'done' | 'skipped' | 'retry' | 'failed' | 'lost';

export interface SummaryRun {
  tickets: { guildId: string; number: number; outcome: SummaryOutcome; note?: string }[];
}

interface Claim {
  guild_id: string;
  number: number;
  closed_at: string;
  summary_attempts: number;
}

/** Failures that end the attempt for this close at once: trying again cannot help today. */
const FINAL: ReadonlySet<AiFailureKind> = new Set(['disabled', 'budget_exhausted']);

export async function summarizeClosedTickets(ai: AiService, db: Db, now: Date, options: Partial<SummaryQueueOptions> = {}, logger: Logger = silentLogger): Promise<SummaryRun> {
  const o = { ...DefaultSummaryQueueOptions, ...options };
  const run: SummaryRun = { tickets: [] };
  if (!ai.enabled) return run;
  const claims = await claim(db, now, o);
  for (const c of claims) {
    let step = await summarizeOne(ai, db, c, now, o).catch((error: unknown): Step => {
      logger.warn({ err: error, guildId: c.guild_id, ticket: c.number }, 'ticket summary failed');
      return { outcome: 'retry', note: 'Cairn could not write the summary; it tries again shortly.' };
    });
    if (step.outcome === 'retry') {
      const final = c.summary_attempts >= o.maxAttempts;
      const held = await finish(db, c, now, o, { status: final ? 'failed' : 'retry', note: step.note });
      step = held ? { outcome: final ? 'failed' : 'retry', note: step.note } : { outcome: 'lost' };
    }
    run.tickets.push({ guildId: c.guild_id, number: c.number, ...step });
  }
  return run;
}

async function claim(db: Db, now: Date, o: SummaryQueueOptions): Promise<Claim[]> {
  const at = now.toISOString();
  const rows = await queryRows<Claim>(
    db,
    sql`UPDATE tickets t SET summary_status = 'working', summary_lease_until = ${at}::timestamptz + ${o.leaseSeconds} * interval '1 second', summary_attempts = t.summary_attempts + 1
        FROM (SELECT guild_id, number FROM tickets
              WHERE status = 'closed' AND closed_at >= ${at}::timestamptz - ${o.lookbackDays} * interval '1 day'
                AND summary_for IS DISTINCT FROM closed_at
                AND (summary_lease_until IS NULL OR summary_lease_until <= ${at}::timestamptz)
              ORDER BY closed_at, guild_id, number LIMIT ${o.batchSize} FOR UPDATE SKIP LOCKED) due
        WHERE t.guild_id = due.guild_id AND t.number = due.number
        RETURNING t.guild_id::text AS guild_id, t.number, t.closed_at::text AS closed_at, t.summary_attempts`,
  );
  return rows.map((r) => ({ ...r, number: Number(r.number), summary_attempts: Number(r.summary_attempts) }));
}

type Step = { outcome: 'done' | 'skipped' | 'failed' | 'lost'; note?: string } | { outcome: 'retry'; note: string };

async function summarizeOne(ai: AiService, db: Db, c: Claim, now: Date, o: SummaryQueueOptions): Promise<Step> {
  const loaded = await loadTicket(db, c.guild_id, c.number);
  if (!loaded) return { outcome: 'lost' };
  const { ticket, settings } = loaded;
  const skip = async (note: string): Promise<Step> => ((await finish(db, c, now, o, { status: 'skipped', note })) ? { outcome: 'skipped', note } : { outcome: 'lost' });
  const gate = deskAiGate(ai, settings, 'summary_on_close');
  if (!gate.on) return skip(gate.reason);
  const desk = ticketSettings(settings);
  if (!desk.transcripts.enabled) return skip('No summary: this server does not keep ticket transcripts, so there is no conversation to summarise.');
  const lines = await ticketLines(db, ticket);
  if (lines.length === 0) return skip('No summary: the ticket has no kept messages.');
  const result = await writeTicketSummary(ai, ticket, lines);
  if (!result.ok) {
    if (FINAL.has(result.failure.kind)) return skip(`No summary: ${result.failure.message}`);
    return { outcome: 'retry', note: result.failure.message };
  }
  const text = summaryText(result.value);
  const written = await finish(db, c, now, o, { status: 'done', summary: text, logChannelId: desk.log_channel_id });
  return written ? { outcome: 'done' } : { outcome: 'lost' };
}

type Finish =
  | { status: 'done'; summary: string; logChannelId: string | null }
  | { status: 'skipped' | 'failed'; note: string }
  | { status: 'retry'; note: string };

/**
 * Ends this worker's claim, if it still holds it (the same attempt, still working): a claim that
 * outlived its lease and was taken over writes nothing. The log-channel post commits with the summary.
 */
async function finish(db: Db, c: Claim, now: Date, o: SummaryQueueOptions, f: Finish): Promise<boolean> {
  const at = now.toISOString();
  const mine = sql`guild_id = ${c.guild_id} AND number = ${c.number} AND summary_status = 'working' AND summary_attempts = ${c.summary_attempts}`;
  return db.transaction(async (tx) => {
    let rows: unknown[];
    if (f.status === 'retry') {
      rows = await queryRows(tx, sql`UPDATE tickets SET summary_status = 'failed', summary_note = ${f.note}, summary_lease_until = ${at}::timestamptz + ${o.retryAfterSeconds} * interval '1 second' WHERE ${mine} RETURNING number`);
    } else {
      const summary = f.status === 'done' ? f.summary : null;
      const note = f.status === 'done' ? null : f.note;
      rows = await queryRows(
        tx,
        sql`UPDATE tickets SET summary_status = ${f.status}, summary = COALESCE(${summary}, summary), summary_note = ${note}, summary_for = ${c.closed_at}::timestamptz,
                               summary_lease_until = NULL, summary_attempts = 0
            WHERE ${mine} RETURNING number`,
      );
    }
    if (rows.length === 0) return false;
    if (f.status === 'done' && f.logChannelId) {
      await tx.execute(sql`INSERT INTO outbox (guild_id, kind, payload) VALUES (${c.guild_id}, 'message', ${JSON.stringify({ channel_id: f.logChannelId, content: '', embed: summaryEmbed(c.number, f.summary), ticket_summary: `${c.number}@${c.closed_at}` })}::jsonb)`);
    }
    return true;
  });
}

function summaryEmbed(number: number, text: string) {
  return { title: `Ticket #${number}: summary`, description: text.slice(0, 4096), color: 0x5865f2, footer: { text: 'Written by AI from the ticket transcript' } };
}
