// The support desk's state machine, the one place a ticket changes: open → claimed → waiting on
// the member → (back on the member's reply) → closed, reopened within a window. Each change holds
// the ticket's row lock, writes a timeline entry and, for opened/claimed/closed/reopened, a lake
// event with a deterministic source id, sent through the pipeline after commit. A repeated change
// (a replayed interaction, a double click) changes nothing and re-sends the recorded lake event,
// which the lake drops as a duplicate — so a crash between commit and lake write heals on retry.
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Clock } from '../app/clock.ts';
import type { Db, Tx } from '../db/client.ts';
import { tickets } from '../db/schema.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { ensureGuilds } from '../guilds/guilds.ts';
import { ticketLakeEvent, type TicketLakeKind } from './lake.ts';
import { appendTimeline, lastOfKind, nextTicketNumber, openTicketsOf, ticketByNumber, timelineCount, type Ticket } from './repository.ts';

export type TicketRefusal = 'not_found' | 'limit' | 'not_staff' | 'not_allowed' | 'already_claimed' | 'closed' | 'not_closed' | 'window_passed' | 'channel_gone';

export type TicketOutcome = { ok: true; ticket: Ticket; changed: boolean } | { ok: false; code: TicketRefusal; message: string; ticket?: Ticket };

/** Who asks for a change: staff (admins or the desk's roles) may do everything, the opener some. */
export interface TicketActor {
  id: string;
  staff: boolean;
}

export interface TicketServiceDeps {
  db: Db;
  clock: Clock;
  /** Writes lake events (the pipeline: duplicates by source id are dropped). */
  record(events: LakeEvent[]): Promise<void>;
}

/** A creation still waiting for Discord after this long was interrupted (a crash): it no longer counts. */
export const PENDING_CREATION_MS = 2 * 60_000;

type NewValues = Partial<typeof tickets.$inferInsert>;
type Decision =
  | { refuse: TicketRefusal; message: string }
  /** Nothing to change; re-send the newest lake event of this kind, if any. */
  | { same: TicketLakeKind | null }
  | { set: NewValues; kind: string; data?: Record<string, unknown>; lake?: TicketLakeKind; byStaff?: boolean };

const refuse = (code: TicketRefusal, message: string): Decision => ({ refuse: code, message });
const STAFF_ONLY = refuse('not_staff', 'Only staff can do that on a ticket.');

export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  /**
   * Takes the guild's next number for a new ticket (channel not yet created), unless the member
   * already has `maxOpen` open in the category. One lock per guild: two clicks at once get two
   * numbers, and a double click finds the first ticket (or its creation in progress).
   */
  async reserve(input: { guildId: string; openerId: string; category: string; mode: 'thread' | 'channel'; subject: string; maxOpen: number }): Promise<TicketOutcome> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      await ensureGuilds(tx, [input.guildId]);
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`cairn:tickets:${input.guildId}`}, 0))`);
      // A creation a crash interrupted (no channel after a while) is cleared, not counted.
      const stale = new Date(now.getTime() - PENDING_CREATION_MS);
      await tx
        .delete(tickets)
        .where(and(eq(tickets.guildId, input.guildId), eq(tickets.openerId, input.openerId), isNull(tickets.channelId), lt(tickets.openedAt, stale)));
      const open = await openTicketsOf(tx, input.guildId, input.openerId, input.category);
      if (open.length >= input.maxOpen) {
        return { ok: false, code: 'limit', message: `You already have ${open.length === 1 ? 'a ticket' : `${open.length} tickets`} open here.`, ticket: open[0]! } as const;
      }
      const number = await nextTicketNumber(tx, input.guildId);
      const [ticket] = await tx
        .insert(tickets)
        .values({ guildId: input.guildId, number, category: input.category, openerId: input.openerId, mode: input.mode, subject: input.subject, status: 'open', openedAt: now, lastActivityAt: now })
        .returning();
      return { ok: true, ticket: ticket!, changed: true } as const;
    });
  }

  /** Discord created the ticket's thread or channel: the ticket is open (timeline, ticket_opened). */
  attach(guildId: string, number: number, channelId: string): Promise<TicketOutcome> {
    return this.#change(guildId, number, null, (t) =>
      t.channelId ? { same: 'opened' } : { set: { channelId }, kind: 'opened', data: { subject: t.subject, category: t.category, mode: t.mode, channel_id: channelId }, lake: 'opened' },
    );
  }

  /** Discord refused to create the channel: the reserved ticket is removed (it never opened). */
  async abandon(guildId: string, number: number): Promise<void> {
    await this.deps.db.delete(tickets).where(and(eq(tickets.guildId, guildId), eq(tickets.number, number), isNull(tickets.channelId)));
  }

  claim(guildId: string, number: number, actor: TicketActor): Promise<TicketOutcome> {
    return this.#change(guildId, number, actor, (t) => {
      if (!actor.staff) return refuse('not_staff', 'Only staff can claim a ticket.');
      if (t.status === 'closed') return refuse('closed', `Ticket #${t.number} is closed.`);
      if (t.claimedBy === actor.id && t.status !== 'open') return { same: 'claimed' };
      if (t.claimedBy && t.status !== 'open') return refuse('already_claimed', `Ticket #${t.number} is already claimed by <@${t.claimedBy}>.`);
      return { set: { status: 'claimed', claimedBy: actor.id, claimedAt: this.deps.clock.now() }, kind: 'claimed', lake: 'claimed' };
    });
  }

  /** Staff wait for the member: the ticket is theirs to answer (back to claimed/open on their reply). */
  waiting(guildId: string, number: number, actor: TicketActor): Promise<TicketOutcome> {
    return this.#change(guildId, number, actor, (t) => {
      if (!actor.staff) return STAFF_ONLY;
      if (t.status === 'closed') return refuse('closed', `Ticket #${t.number} is closed.`);
      if (t.status === 'waiting') return { same: null };
      return { set: { status: 'waiting' }, kind: 'waiting' };
    });
  }

  /** The opener wrote in a ticket that waited on them. */
  memberReplied(guildId: string, number: number, memberId: string): Promise<TicketOutcome> {
    return this.#change(guildId, number, { id: memberId, staff: false }, (t) =>
      t.status !== 'waiting' || t.openerId !== memberId ? { same: null } : { set: { status: t.claimedBy ? 'claimed' : 'open' }, kind: 'member_replied' },
    );
  }

  /** The first message by staff other than the opener (service metrics: first response time). */
  firstResponse(guildId: string, number: number, responderId: string, at: Date): Promise<TicketOutcome> {
    return this.#change(guildId, number, { id: responderId, staff: true }, (t) =>
      t.firstResponseAt || t.openerId === responderId ? { same: null } : { set: { firstResponseAt: at, firstResponseBy: responderId }, kind: 'first_response' },
    );
  }

  /**
   * Closes a ticket (staff, or the member who opened it). `channelGone`: its thread or channel was
   * deleted in Discord — closed as unresolved, or only noted when it was closed already.
   */
  close(guildId: string, number: number, actor: TicketActor, options: { reason?: string | null; channelGone?: boolean } = {}): Promise<TicketOutcome> {
    return this.#change(guildId, number, actor, (t) => {
      const gone = options.channelGone === true;
      if (!gone && !actor.staff && actor.id !== t.openerId) return refuse('not_allowed', 'Only staff or the member who opened the ticket can close it.');
      if (t.status === 'closed') return gone && !t.channelGone ? { set: { channelGone: true }, kind: 'channel_gone' } : { same: 'closed' };
      const reason = options.reason ?? (gone ? 'channel_gone' : null);
      return {
        set: { status: 'closed', closedAt: this.deps.clock.now(), closedBy: actor.id, closeReason: reason, channelGone: gone || t.channelGone },
        kind: 'closed',
        data: { reason, ...(gone ? { channel_gone: true } : {}) },
        lake: 'closed',
        byStaff: actor.staff && !gone,
      };
    });
  }

  reopen(guildId: string, number: number, actor: TicketActor, windowHours: number): Promise<TicketOutcome> {
    return this.#change(guildId, number, actor, (t) => {
      if (!actor.staff && actor.id !== t.openerId) return refuse('not_allowed', 'Only staff or the member who opened the ticket can reopen it.');
      if (t.status !== 'closed') return { same: 'reopened' };
      if (t.channelGone) return refuse('channel_gone', `Ticket #${t.number}'s channel was deleted; open a new ticket instead.`);
      const closedFor = this.deps.clock.now().getTime() - (t.closedAt?.getTime() ?? 0);
      if (closedFor > windowHours * 3_600_000) return refuse('window_passed', `Ticket #${t.number} was closed more than ${windowHours} hours ago and cannot be reopened; open a new ticket instead.`);
      return { set: { status: 'open', closedAt: null, closedBy: null, closeReason: null, reopenedCount: t.reopenedCount + 1 }, kind: 'reopened', data: { closed_at: t.closedAt?.toISOString() }, lake: 'reopened' };
    });
  }

  /** A timeline note by staff on an open ticket: member added or removed, renamed. */
  note(guildId: string, number: number, actor: TicketActor, kind: 'member_added' | 'member_removed' | 'renamed', data: Record<string, unknown>): Promise<TicketOutcome> {
    return this.#change(guildId, number, actor, (t) => {
      if (!actor.staff) return STAFF_ONLY;
      if (t.status === 'closed') return refuse('closed', `Ticket #${t.number} is closed.`);
      return { set: {}, kind, data };
    });
  }

  /** Something that happened to the ticket without anyone asking (the opener left the server). */
  observe(guildId: string, number: number, kind: 'opener_left', data: Record<string, unknown> = {}): Promise<TicketOutcome> {
    return this.#change(guildId, number, null, () => ({ set: {}, kind, data }));
  }

  async #change(guildId: string, number: number, actor: TicketActor | null, decide: (ticket: Ticket) => Decision): Promise<TicketOutcome> {
    const { outcome, lake } = await this.deps.db.transaction((tx) => this.#decide(tx, guildId, number, actor, decide));
    if (lake) await this.deps.record([lake]);
    return outcome;
  }

  async #decide(tx: Tx, guildId: string, number: number, actor: TicketActor | null, decide: (ticket: Ticket) => Decision): Promise<{ outcome: TicketOutcome; lake?: LakeEvent }> {
    const ticket = await ticketByNumber(tx, guildId, number, { lock: true });
    if (!ticket) return { outcome: { ok: false, code: 'not_found', message: `There is no ticket #${number}.` } };
    const decision = decide(ticket);
    if ('refuse' in decision) return { outcome: { ok: false, code: decision.refuse, message: decision.message, ticket } };
    if ('same' in decision) {
      const recorded = decision.same ? (await lastOfKind(tx, guildId, number, decision.same))?.data.lake : undefined;
      return { outcome: { ok: true, ticket, changed: false }, ...(recorded ? { lake: recorded as LakeEvent } : {}) };
    }
    const at = this.deps.clock.now();
    const values: NewValues = { ...decision.set, lastActivityAt: at };
    const [updated] = await tx.update(tickets).set(values).where(and(eq(tickets.guildId, guildId), eq(tickets.number, number))).returning();
    const actorId = actor?.id ?? ticket.openerId;
    const lake = decision.lake
      ? ticketLakeEvent(updated!, decision.lake, (await timelineCount(tx, guildId, number, decision.lake)) + 1, { actorId, at, byStaff: decision.byStaff ?? false, closedBefore: ticket.closedAt })
      : undefined;
    await appendTimeline(tx, { guildId, number, kind: decision.kind, actorId: actor?.id ?? (decision.kind === 'opened' ? ticket.openerId : null), at, data: { ...decision.data, ...(lake ? { lake } : {}) } });
    return { outcome: { ok: true, ticket: updated!, changed: true }, ...(lake ? { lake } : {}) };
  }
}
