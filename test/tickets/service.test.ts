// The ticket state machine on the database alone (the API can drive it without a bot): numbers
// without races, the per-member limit, replays that change nothing and re-send the same lake
// event, the reopen window, and transcript retention.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { ticketMessages } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { changeSettings } from '../../src/guilds/settings.ts';
import { timeline } from '../../src/tickets/repository.ts';
import { deleteExpiredTranscripts } from '../../src/tickets/retention.ts';
import { TicketService } from '../../src/tickets/service.ts';
import { keepMessage } from '../../src/tickets/transcripts.ts';
import { ALICE, BOB, CAROL, GUILD } from '../support/factories.ts';
import { useDatabase } from '../discord/support/use-bot.ts';

const ctx = useDatabase({ preset: 'none' });
const STAFF = { id: CAROL, staff: true };

function desk() {
  const clock = fixedClock(new Date('2026-06-01T10:00:00Z'));
  const recorded: LakeEvent[] = [];
  const service = new TicketService({ db: ctx.database.db, clock, record: async (events) => void recorded.push(...events) });
  const open = async (openerId: string, options: { maxOpen?: number; category?: string } = {}) => {
    const reserved = await service.reserve({ guildId: GUILD, openerId, category: options.category ?? 'general', mode: 'thread', subject: 's', maxOpen: options.maxOpen ?? 1 });
    if (!reserved.ok) return reserved;
    return service.attach(GUILD, reserved.ticket.number, String(5_000_000_000_000_000_000n + BigInt(reserved.ticket.number)));
  };
  return { clock, recorded, service, open };
}

describe('ticket numbers and the per-member limit', () => {
  it('gives twenty members opening at once twenty distinct numbers, and one member clicking twice one ticket', async () => {
    const { service } = desk();
    const members = Array.from({ length: 20 }, (_, i) => String(100000000000000000n + BigInt(i)));
    const results = await Promise.all([...members, ALICE, ALICE].map((openerId) => service.reserve({ guildId: GUILD, openerId, category: 'general', mode: 'thread', subject: 's', maxOpen: 1 })));
    const numbers = results.filter((r) => r.ok).map((r) => r.ticket!.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(['limit']);
  });

  it('counts a creation still in progress, forgets one a crash left behind after two minutes', async () => {
    const { service, clock } = desk();
    const first = await service.reserve({ guildId: GUILD, openerId: ALICE, category: 'general', mode: 'thread', subject: 's', maxOpen: 1 });
    expect(first.ok).toBe(true);
    expect((await service.reserve({ guildId: GUILD, openerId: ALICE, category: 'general', mode: 'thread', subject: 's', maxOpen: 1 })).ok).toBe(false);
    clock.advance(3 * 60_000);
    const later = await service.reserve({ guildId: GUILD, openerId: ALICE, category: 'general', mode: 'thread', subject: 's', maxOpen: 1 });
    expect(later).toMatchObject({ ok: true, ticket: { number: 1 } });
  });
});

describe('transitions', () => {
  it('re-sends the recorded lake event when a close is repeated, so the lake sees one event id', async () => {
    const { service, recorded, open, clock } = desk();
    await open(ALICE);
    clock.advance(60_000);
    await service.claim(GUILD, 1, STAFF);
    await service.firstResponse(GUILD, 1, CAROL, clock.now());
    clock.advance(60_000);
    const closed = await service.close(GUILD, 1, STAFF, { reason: 'done' });
    const again = await service.close(GUILD, 1, STAFF, { reason: 'done' });
    expect(closed).toMatchObject({ ok: true, changed: true });
    expect(again).toMatchObject({ ok: true, changed: false });
    expect(recorded.map((e) => e.source_id)).toEqual([`ticket:${GUILD}:1:opened:1`, `ticket:${GUILD}:1:claimed:1`, `ticket:${GUILD}:1:closed:1`, `ticket:${GUILD}:1:closed:1`]);
    expect(recorded[2]).toEqual(recorded[3]);
    expect(recorded[2]!.data).toMatchObject({ first_response_seconds: 60, resolution_seconds: 120, claimed_by: CAROL, by_staff: true });
    expect(recorded[1]!.data).toMatchObject({ seconds_open: 60 });
    expect((await timeline(ctx.database.db, GUILD, 1)).map((e) => e.kind)).toEqual(['opened', 'claimed', 'first_response', 'closed']);
  });

  it('refuses what the actor may not do, and claims held by someone else', async () => {
    const { service, open } = desk();
    await open(ALICE);
    expect(await service.claim(GUILD, 1, { id: BOB, staff: false })).toMatchObject({ ok: false, code: 'not_staff' });
    expect(await service.close(GUILD, 1, { id: BOB, staff: false })).toMatchObject({ ok: false, code: 'not_allowed' });
    await service.claim(GUILD, 1, STAFF);
    expect(await service.claim(GUILD, 1, { id: BOB, staff: true })).toMatchObject({ ok: false, code: 'already_claimed' });
    expect(await service.claim(GUILD, 99, STAFF)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('reopens within the window (seconds_closed in the event) and not after it', async () => {
    const { service, open, clock, recorded } = desk();
    await open(ALICE);
    await service.close(GUILD, 1, { id: ALICE, staff: false });
    clock.advance(30 * 60_000);
    expect(await service.reopen(GUILD, 1, { id: ALICE, staff: false }, 1)).toMatchObject({ ok: true, changed: true, ticket: { status: 'open', reopenedCount: 1 } });
    expect(recorded.at(-1)).toMatchObject({ type: 'ticket_reopened', source_id: `ticket:${GUILD}:1:reopened:1`, data: { seconds_closed: 1800 } });
    await service.close(GUILD, 1, { id: ALICE, staff: false });
    expect(recorded.at(-1)).toMatchObject({ source_id: `ticket:${GUILD}:1:closed:2`, data: { by_staff: false, reopened_count: 1 } });
    clock.advance(2 * 3_600_000);
    expect(await service.reopen(GUILD, 1, STAFF, 1)).toMatchObject({ ok: false, code: 'window_passed' });
  });
});

describe('transcript retention', () => {
  it("deletes kept messages older than the guild's transcript retention, and only those", async () => {
    const { open } = desk();
    await open(ALICE);
    await changeSettings(ctx.database.db, GUILD, { tickets: { transcripts: { enabled: true, retention_days: 7, attach_on_close: false } } } as never, 'test');
    const now = new Date('2026-06-20T00:00:00Z');
    for (const [id, daysAgo] of [['1', 10], ['2', 8], ['3', 1]] as const) {
      await keepMessage(ctx.database.db, { guildId: GUILD, number: 1, messageId: id, authorId: ALICE, content: 'x', attachments: [], sentAt: new Date(now.getTime() - daysAgo * 86_400_000) });
    }
    const result = await deleteExpiredTranscripts(ctx.database.db, now, { batch: 1 });
    expect(result.guilds).toEqual([{ guildId: GUILD, retentionDays: 7, deleted: 2 }]);
    expect((await ctx.database.db.select().from(ticketMessages)).map((m) => m.messageId)).toEqual(['3']);
  });
});
