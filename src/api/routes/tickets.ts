// /api/guilds/:guildId/tickets — the support desk for the panel: the queue, one ticket with its
// timeline and (when the guild keeps them) its transcript, the transcript as an HTML or JSON file
// (audit-logged: it is message content), and the service metrics.
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { audit } from '../../audit/audit.ts';
import { guilds } from '../../db/schema.ts';
import { transcriptFilename, transcriptHtml, transcriptJson, type TranscriptExport } from '../../tickets/export.ts';
import { ticketMetrics } from '../../tickets/metrics.ts';
import { findTicket, ticketMessages, ticketQueue, ticketTimeline, type TicketView } from '../../tickets/queries.ts';
import { ticketSettings, type TicketSettings } from '../../tickets/settings.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';
import { lookupNames } from './names.ts';
import { MetricsQuery, QueueQuery, TicketDetailOut, TicketListOut, TicketMetricsOut, TicketNumber, TranscriptExportOut } from './ticket-schemas.ts';

const P = '/api/guilds/{guildId}/tickets';
export const ticketDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'The ticket queue: open, claimed and waiting tickets oldest first (closed ones on request), filtered by category, staff member, opener or a search; paged by cursor, with counts per status', tag: 'tickets', query: QueueQuery, response: TicketListOut },
  { method: 'get', path: `${P}/metrics`, summary: 'Service metrics: first response and resolution time p50/p90 per local week and per staff member, tickets opened and closed per week, the backlog now', tag: 'tickets', query: MetricsQuery, response: TicketMetricsOut },
  { method: 'get', path: `${P}/{number}`, summary: 'A ticket: its state, timeline, and transcript when the guild keeps transcripts (else transcript null and the reason)', tag: 'tickets', response: TicketDetailOut, statuses: [404] },
  { method: 'get', path: `${P}/{number}/transcript.html`, summary: 'The transcript as a self-contained HTML page (attachment; audit-logged); 404 when none is kept', tag: 'tickets', mediaType: 'text/html', statuses: [404] },
  { method: 'get', path: `${P}/{number}/transcript.json`, summary: 'The transcript as JSON (attachment; audit-logged); 404 when none is kept', tag: 'tickets', response: TranscriptExportOut, statuses: [404] },
];

type TicketOut = TicketView & { categoryLabel: string | null; ageSeconds: number };

async function guildRow(c: Context<AppEnv>) {
  const [g] = await c.get('services').database.db.select({ id: guilds.id, name: guilds.name, timezone: guilds.timezone, settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildOf(c)));
  if (!g) throw new ApiError('not_found', 'this guild is not known to Cairn');
  return { ...g, tickets: ticketSettings(g.settings) };
}

function ticketOut(t: TicketView, settings: TicketSettings, now: Date): TicketOut {
  const until = t.closedAt ? Date.parse(t.closedAt) : now.getTime();
  return { ...t, categoryLabel: settings.categories.find((c) => c.key === t.category)?.label ?? null, ageSeconds: Math.max(0, Math.round((until - Date.parse(t.openedAt)) / 1000)) };
}

async function ticketOf(c: Context<AppEnv>) {
  const { number } = parseWith(TicketNumber, { number: c.req.param('number') }, 'URL');
  const ticket = await findTicket(c.get('services').database.db, guildOf(c), number);
  if (!ticket) throw new ApiError('not_found', `there is no ticket #${number} in this guild`);
  return ticket;
}

/** Everything an export holds, or 404 when no transcript is kept for the ticket. */
async function exportOf(c: Context<AppEnv>, format: 'html' | 'json'): Promise<TranscriptExport> {
  const services = c.get('services');
  const g = await guildRow(c);
  const ticket = await ticketOf(c);
  const messages = g.tickets.transcripts.enabled ? await ticketMessages(services.database.db, g.id, ticket.number) : [];
  if (messages.length === 0) throw new ApiError('not_found', g.tickets.transcripts.enabled ? `no transcript was kept for ticket #${ticket.number}` : 'this server keeps no ticket transcripts (Settings → Tickets)');
  const people = [...new Set([ticket.openerId, ticket.claimedBy, ticket.closedBy, ...messages.map((m) => m.authorId)].filter((id): id is string => id !== null))];
  const found = await lookupNames(services.database.db, g.id, { members: people, channels: [], roles: [] });
  const names = Object.fromEntries(Object.entries(found.members).flatMap(([id, m]) => (m.displayName ?? m.username ? [[id, (m.displayName ?? m.username)!]] : [])));
  await audit(services.database.db, { guildId: g.id, actor: actorOf(c), action: 'ticket.transcript_export', entityType: 'ticket', entityKey: String(ticket.number), before: null, after: { format, messages: messages.length } });
  return { guild: { id: g.id, name: g.name, timeZone: g.timezone }, ticket, categoryLabel: g.tickets.categories.find((x) => x.key === ticket.category)?.label ?? null, messages, names, exportedAt: services.clock.now() };
}

export function ticketRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const query = parseWith(QueueQuery, c.req.query(), 'query');
    const services = c.get('services');
    const g = await guildRow(c);
    const page = await ticketQueue(services.database.db, g.id, { ...query, statuses: query.status });
    const now = services.clock.now();
    return c.json({ ...page, tickets: page.tickets.map((t) => ticketOut(t, g.tickets, now)) });
  });

  // Before /:number, which would otherwise take "metrics" for a number.
  app.get('/metrics', async (c) => {
    const { weeks } = parseWith(MetricsQuery, c.req.query(), 'query');
    const services = c.get('services');
    const g = await guildRow(c);
    return c.json(await ticketMetrics(services.database.db, { guildId: g.id, timeZone: g.timezone, now: services.clock.now() }, weeks));
  });

  app.get('/:number', async (c) => {
    const services = c.get('services');
    const g = await guildRow(c);
    const ticket = await ticketOf(c);
    const db = services.database.db;
    const timeline = await ticketTimeline(db, g.id, ticket.number);
    const { enabled, retention_days: retentionDays } = g.tickets.transcripts;
    const messages = enabled ? await ticketMessages(db, g.id, ticket.number) : [];
    const noTranscript = !enabled
      ? { reason: 'transcripts_off' as const, message: 'This server keeps no transcripts: only the ticket\'s state and timeline are stored. Turn transcripts on in Settings → Tickets to keep the messages of new tickets.' }
      : messages.length === 0
        ? { reason: 'none_kept' as const, message: `No messages are kept for this ticket: it had none, it predates transcripts, or its transcript passed the ${retentionDays}-day retention.` }
        : null;
    return c.json({
      ticket: ticketOut(ticket, g.tickets, services.clock.now()),
      timeline,
      transcript: noTranscript ? null : { messages, retentionDays },
      noTranscript,
    });
  });

  app.get('/:number/transcript.html', async (c) => {
    const x = await exportOf(c, 'html');
    return c.body(transcriptHtml(x), 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Disposition': `attachment; filename="${transcriptFilename(x.ticket.number, x.guild, 'html')}"`,
      // Opened in a browser, the page may run nothing and load nothing but its own styles.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
  });

  app.get('/:number/transcript.json', async (c) => {
    const x = await exportOf(c, 'json');
    c.header('Content-Disposition', `attachment; filename="${transcriptFilename(x.ticket.number, x.guild, 'json')}"`);
    c.header('Cache-Control', 'no-store');
    return c.json(transcriptJson(x));
  });

  return app;
}
