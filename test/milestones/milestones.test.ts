import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { guilds, memberMilestones, milestones, outbox } from '../../src/db/schema.ts';
import { rollSeason } from '../../src/ledger/seasons.ts';
import { awardMilestone, recheckMilestones, saveMilestone } from '../../src/milestones/repository.ts';
import type { MilestoneInput } from '../../src/milestones/schema.ts';
import { at, event } from '../rules/support.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

const CHECK = { key: 'check', name: 'check', priority: -10, trigger: { events: ['message_create', 'reaction_add', 'voice_session_end', 'command'] }, effects: [{ type: 'milestone_check', member: 'both' }] };
const XP = { key: 'xp', name: 'xp', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 10 }] };

async function setup(list: MilestoneInput[], extraRules: unknown[] = []) {
  await configure(database, {
    currencies: [{ key: 'xp', name: 'XP', level_curve: { kind: 'exponential', base: 100, factor: 1.25 } }, { key: 'gold', name: 'Gold', spendable: true }],
    rules: [XP, CHECK, ...extraRules],
    milestones: list,
  });
}

const earned = async (user = ALICE) =>
  (await queryRows<{ key: string }>(database.db, sql`SELECT m.key FROM member_milestones mm JOIN milestones m ON m.id = mm.milestone_id WHERE mm.user_id = ${user} ORDER BY m.key`)).map((r) => r.key);

const ingest = (events: ReturnType<typeof event>[]) => enginePipeline(database).pipeline.ingestEvents(events, 'api');
const T0 = '2026-01-30T12:00:00.000Z';
const daysLater = (n: number) => at(T0, n * 86_400);

describe('milestone requirements', () => {
  it('wallet, lifetime and level thresholds', async () => {
    await setup([
      { key: 'w30', name: 'w', requirement: { type: 'wallet', currency: 'xp', min: 30 } },
      { key: 'l20', name: 'l', requirement: { type: 'lifetime', currency: 'xp', min: 20 } },
      { key: 'lv2', name: 'lv', requirement: { type: 'level', currency: 'xp', min: 2 } },
    ]);
    await ingest([event('message_create', { occurred_at: T0 }), event('message_create', { occurred_at: at(T0, 1) })]);
    expect(await earned()).toEqual(['l20']);
    await ingest(Array.from({ length: 11 }, (_, i) => event('message_create', { occurred_at: at(T0, 10 + i) })));
    expect(await earned()).toEqual(['l20', 'lv2', 'w30']);
  });

  it('event counts by type, side, channel and zone, and voice minutes', async () => {
    await setup([
      { key: 'talker', name: 't', requirement: { type: 'event_count', events: ['message_create'], min: 3 } },
      { key: 'liked', name: 'r', requirement: { type: 'event_count', events: ['reaction_add'], side: 'target', min: 2 } },
      { key: 'in42', name: 'c', requirement: { type: 'event_count', events: ['message_create'], channels: ['42'], min: 2 } },
      { key: 'voice', name: 'v', requirement: { type: 'event_count', events: ['voice_session_end'], measure: 'voice_minutes', min: 30 } },
    ]);
    await ingest([
      event('message_create', { channel_id: '42' }),
      event('message_create', { channel_id: '7' }),
      event('reaction_add', { actor_id: BOB, target_id: ALICE }),
      event('reaction_add', { actor_id: ALICE, target_id: ALICE }), // self: not "received"
      event('voice_session_end', { data: { duration_seconds: 1500, is_afk: false } }),
      event('voice_session_end', { data: { duration_seconds: 3600, is_afk: true } }),
    ]);
    expect(await earned()).toEqual([]);
    await ingest([
      event('message_create', { channel_id: '42' }),
      event('reaction_add', { actor_id: BOB, target_id: ALICE }),
      event('voice_session_end', { data: { duration_seconds: 300, is_afk: false } }),
    ]);
    expect(await earned()).toEqual(['in42', 'liked', 'talker', 'voice']);
  });

  it('streaks of consecutive days cross month boundaries, and a gap restarts them', async () => {
    await setup([{ key: 'streak3', name: 's', requirement: { type: 'streak', days: 3 } }]);
    // Jan 30, Jan 31, (gap Feb 1), Feb 2, Feb 3, Feb 4
    await ingest([event('message_create', { occurred_at: daysLater(0) }), event('message_create', { occurred_at: daysLater(1) })]);
    await ingest([event('message_create', { occurred_at: daysLater(3) }), event('message_create', { occurred_at: daysLater(4) })]);
    expect(await earned()).toEqual([]);
    await ingest([event('message_create', { occurred_at: daysLater(5) })]);
    expect(await earned()).toEqual(['streak3']);
  });

  it('a streak spanning Jan 31 → Feb 1 → Feb 2 counts', async () => {
    await setup([{ key: 'streak3', name: 's', requirement: { type: 'streak', days: 3 } }]);
    await ingest([1, 2, 3].map((d) => event('message_create', { occurred_at: daysLater(d) })));
    expect(await earned()).toEqual(['streak3']);
  });

  it('streak days follow the guild time zone', async () => {
    await setup([{ key: 'streak2', name: 's', requirement: { type: 'streak', days: 2 } }]);
    await database.db.update(guilds).set({ timezone: 'America/New_York' }).where(eq(guilds.id, GUILD));
    // 03:00 UTC on Jan 31 is Jan 30 evening in New York: same local day as the first message.
    await ingest([event('message_create', { occurred_at: '2026-01-30T15:00:00.000Z' }), event('message_create', { occurred_at: '2026-01-31T03:00:00.000Z' })]);
    expect(await earned()).toEqual([]);
    await ingest([event('message_create', { occurred_at: '2026-01-31T15:00:00.000Z' })]);
    expect(await earned()).toEqual(['streak2']);
  });

  it('compound AND / OR requirements nest', async () => {
    await setup([
      { key: 'both', name: 'b', requirement: { type: 'all', of: [{ type: 'wallet', currency: 'xp', min: 20 }, { type: 'any', of: [{ type: 'event_count', events: ['voice_session_end'], min: 1 }, { type: 'event_count', events: ['reaction_add'], min: 1 }] }] } },
    ]);
    await ingest([event('message_create'), event('message_create', { occurred_at: at(T0, 1) })]);
    expect(await earned()).toEqual([]);
    await ingest([event('reaction_add', { target_id: BOB })]);
    expect(await earned()).toEqual(['both']);
  });

  it('custom milestones are only awarded by an admin, once', async () => {
    await setup([{ key: 'helper', name: 'Helper', requirement: { type: 'custom' } }]);
    await ingest([event('message_create')]);
    expect(await earned()).toEqual([]);
    expect(await awardMilestone(database.db, GUILD, ALICE, 'helper', 'admin')).toEqual({ ok: true, awarded: true });
    expect(await awardMilestone(database.db, GUILD, ALICE, 'helper', 'admin')).toEqual({ ok: true, awarded: false });
    expect(await awardMilestone(database.db, GUILD, ALICE, 'nope', 'admin')).toMatchObject({ ok: false, code: 'unknown_milestone' });
    expect(await earned()).toEqual(['helper']);
  });

  it('is refused with a field path when invalid', async () => {
    await setup([]);
    const bad = await saveMilestone(database.db, GUILD, { key: 'x', name: 'x', rarity: 'mythic', requirement: { type: 'wallet', currency: 'nope', min: 1 } }, 'test');
    expect(bad).toMatchObject({ ok: false, problems: [{ path: 'rarity' }] });
    const unknown = await saveMilestone(database.db, GUILD, { key: 'x', name: 'x', requirement: { type: 'wallet', currency: 'nope', min: 1 } }, 'test');
    expect(unknown).toMatchObject({ ok: false, problems: [{ path: 'requirement', message: 'unknown currency "nope"' }] });
    const seasonal = await saveMilestone(database.db, GUILD, { key: 'x', name: 'x', scope: 'season', requirement: { type: 'event_count', events: ['message_create'], channels: ['1'], min: 1 } }, 'test');
    expect(seasonal).toMatchObject({ ok: false, problems: [{ path: 'requirement', message: expect.stringContaining('lifetime scope') }] });
  });
});

describe('awarding', () => {
  it('an earned milestone is never taken away, and not granted twice when a member drops and climbs back', async () => {
    await setup(
      [{ key: 'rich', name: 'Rich', requirement: { type: 'wallet', currency: 'gold', min: 5 } }],
      [{ key: 'reward', name: 'reward', trigger: { events: ['milestone_earned'], milestone: 'rich' }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 1000 }] }],
    );
    const award = (amount: number, i: number) => event('manual_award', { actor_id: BOB, target_id: ALICE, occurred_at: at(T0, i), data: { currency: 'gold', amount, reason: 'x' } });
    const check = (i: number) => event('command', { occurred_at: at(T0, i), data: { name: 'check', options: {} } });
    await ingest([award(10, 0), check(1), award(-10, 2), check(3), award(10, 4), check(5)]);
    expect(await earned()).toEqual(['rich']);
    const [xp] = await queryRows<{ b: string }>(database.db, sql`SELECT w.balance::text b FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE c.key = 'xp' AND w.user_id = ${ALICE}`);
    expect(Number(xp!.b)).toBe(1000);
  });

  it('awards at most once under 50 concurrent events for the same member', async () => {
    await setup([{ key: 'first', name: 'First', requirement: { type: 'event_count', events: ['message_create'], min: 1 } }]);
    await Promise.all(Array.from({ length: 50 }, (_, i) => enginePipeline(database).pipeline.ingestEvents([event('message_create', { occurred_at: at(T0, i) })], 'api')));
    const rows = await database.db.select().from(memberMilestones);
    expect(rows).toHaveLength(1);
  });

  it('announces in the channel unless the member opted out, spacing announcements in one channel', async () => {
    await setup([
      { key: 'a', name: 'A', requirement: { type: 'event_count', events: ['message_create'], min: 1 } },
      { key: 'b', name: 'B', requirement: { type: 'event_count', events: ['message_create'], min: 1 } },
      { key: 'quiet', name: 'Q', announce: false, requirement: { type: 'event_count', events: ['message_create'], min: 1 } },
    ]);
    await database.db.update(guilds).set({ settings: { announce_channel_id: '900', announce_interval_seconds: 10 } }).where(eq(guilds.id, GUILD));
    await database.db.execute(sql`INSERT INTO members (guild_id, user_id, announce_opt_out) VALUES (${GUILD}, ${BOB}, true)`);
    await ingest([event('message_create'), event('message_create', { actor_id: BOB })]);
    const rows = await database.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((r) => [r.payload.channel_id, r.payload.milestone])).toEqual([
      ['900', 'a'],
      ['900', 'b'],
    ]);
    expect(rows[1]!.availableAt.getTime() - rows[0]!.availableAt.getTime()).toBeGreaterThanOrEqual(10_000);
    expect(String(rows[0]!.payload.content)).toContain(`<@${ALICE}>`);
  });
});

describe('seasons and retroactive checks', () => {
  it('season-scoped milestones start over after a roll; lifetime ones do not', async () => {
    await setup([
      { key: 'season_talker', name: 'S', scope: 'season', requirement: { type: 'event_count', events: ['message_create'], min: 2 } },
      { key: 'talker', name: 'T', requirement: { type: 'event_count', events: ['message_create'], min: 2 } },
    ]);
    await ingest([event('message_create', { occurred_at: daysLater(0) }), event('message_create', { occurred_at: at(daysLater(0), 1) })]);
    await rollSeason(database.db, GUILD, { boundary: new Date(daysLater(1)) });
    await ingest([event('message_create', { occurred_at: daysLater(2) })]);
    const seasonsEarned = async () => (await database.db.select().from(memberMilestones)).map((r) => r.seasonId).sort();
    expect((await seasonsEarned()).length).toBe(2);
    await ingest([event('message_create', { occurred_at: at(daysLater(2), 5) })]);
    expect(await earned()).toEqual(['season_talker', 'season_talker', 'talker']);
    expect(new Set(await seasonsEarned()).size).toBe(3); // lifetime (0) and two distinct seasons
  });

  it('a recheck awards a new template to every member who already qualifies, without duplicates', async () => {
    await setup([]);
    await ingest([event('message_create'), event('message_create', { occurred_at: at(T0, 1) }), event('message_create', { actor_id: BOB, occurred_at: at(T0, 2) })]);
    const saved = await saveMilestone(database.db, GUILD, { key: 'two', name: 'Two', requirement: { type: 'event_count', events: ['message_create'], min: 2 } }, 'test');
    expect(saved.ok).toBe(true);
    const first = await recheckMilestones(database.db, GUILD);
    expect(first.awarded).toEqual([{ member: ALICE, milestone: 'two' }]);
    const second = await recheckMilestones(database.db, GUILD);
    expect(second.awarded).toEqual([]);
    expect(await database.db.select().from(memberMilestones)).toHaveLength(1);
    expect((await database.db.select().from(milestones)).length).toBe(1);
  });
});
