// Each preset on a realistic little stream, through `simulate` (the production pipeline).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakeEvents, outbox } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { parseRecipe } from '../../src/presets/import.ts';
import type { Bindings, Recipe } from '../../src/presets/recipe.ts';
import { simulate } from '../../src/presets/simulate.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const load = (file: string): Recipe => {
  const parsed = parseRecipe(JSON.parse(readFileSync(join(import.meta.dirname, '../../presets', file), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.recipe;
};

const A = '910000000000000001';
const B = '910000000000000002';
const C = '910000000000000003';
let guildCounter = 0n;
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** A stream builder: events for one fresh guild, minute by minute from a start time. */
function stream() {
  const guild = String(1170000000000000000n + ++guildCounter);
  let n = 0;
  const events: LakeEvent[] = [];
  const add = (type: LakeEvent['type'], actor: string, minute: number, data: Record<string, unknown> = {}, extra: Partial<LakeEvent> = {}) => {
    const defaults: Record<string, Record<string, unknown>> = {
      message_create: { length: 80 },
      reaction_add: { emoji: '👍', message_id: '5', unique_reactor_count: 1, message_age_seconds: 60 },
      voice_session_end: { duration_seconds: 600, is_afk: false },
      scheduled_event_attend: { scheduled_event_id: '77', minutes_present: 60, joined_on_time: true },
      command: { name: 'checkin', options: {} },
      thread_create: { name: 'q' },
    };
    events.push({
      source_id: `${guild}-${++n}`, type, guild_id: guild, actor_id: actor, target_id: null, channel_id: '600000000000000001',
      occurred_at: new Date(Date.UTC(2026, 10, 2, 9) + minute * 60_000).toISOString(), ...extra, data: { ...defaults[type], ...data },
    });
  };
  return { guild, events, add };
}

const run = (recipe: Recipe, events: LakeEvent[], bindings: Bindings = { channels: {}, roles: {} }) =>
  simulate(recipe, { lines: events.map((value, i) => ({ line: i + 1, value })) }, { database, bindings });

describe('preset outcomes', () => {
  it('community engagement: messages × 1 + reactions × 0.5; Rising Star at 50', async () => {
    const s = stream();
    for (let i = 0; i < 40; i++) s.add('message_create', A, i);
    for (let i = 0; i < 20; i++) s.add('reaction_add', A, 40 + i, {}, { target_id: B });
    for (let i = 0; i < 10; i++) s.add('message_create', B, i);
    const result = await run(load('community-engagement.json'), s.events, { channels: { announcements: '600000000000000009' }, roles: { rising_star: '700000000000000009' } });
    expect(result.members[A]!.balances.points).toBe(100); // score 50
    expect(result.members[B]!.balances.points).toBe(20); // score 10
    const rows = await database.db.select().from(outbox).where(eq(outbox.guildId, s.guild));
    expect(rows.map((r) => [r.kind, r.payload.user_id ?? r.payload.channel_id])).toEqual([
      ['role_add', A],
      ['message', '600000000000000009'],
    ]);
  });

  it('minimal karma: +1 per message, +1 per 10 voice minutes outside AFK', async () => {
    const s = stream();
    for (let i = 0; i < 3; i++) s.add('message_create', A, i);
    s.add('voice_session_end', A, 10, { duration_seconds: 25 * 60 });
    s.add('voice_session_end', A, 60, { duration_seconds: 60 * 60, is_afk: true });
    const result = await run(load('minimal-karma.json'), s.events);
    expect(result.members[A]).toEqual({ balances: { karma: 5 }, levels: {}, milestones: [] });
  });

  it('analytics only: everything lands in the lake, nothing is paid', async () => {
    const s = stream();
    s.add('message_create', A, 0);
    s.add('voice_session_end', B, 5);
    const result = await run(load('analytics-only.json'), s.events);
    expect(result.events).toEqual({ accepted: 2, duplicate: 0, rejected: 0 });
    expect(result.members).toEqual({});
    expect(await database.db.select().from(lakeEvents).where(eq(lakeEvents.guildId, s.guild))).toHaveLength(2);
  });

  it('voice & events: voice minutes without AFK, attendance per minute, an on-time bonus, a Regular after 5 events', async () => {
    const s = stream();
    s.add('voice_session_end', A, 0, { duration_seconds: 30 * 60 + 59 });
    s.add('voice_session_end', A, 60, { duration_seconds: 3600, is_afk: true });
    for (let i = 0; i < 5; i++) s.add('scheduled_event_attend', A, 100 + i, { scheduled_event_id: String(80 + i), minutes_present: 45, joined_on_time: i % 2 === 0 });
    const result = await run(load('voice-and-events.json'), s.events);
    expect(result.members[A]!.balances).toEqual({ voice_minutes: 30, attendance: 5 * 45 + 3 * 10 });
    expect(result.members[A]!.milestones).toEqual(['regular']);
  });

  it('leveling like the big bots: 15–25 XP, once a minute, 5·L²+50·L+100 per level, the same on every replay', async () => {
    const s = stream();
    for (let i = 0; i < 6; i++) s.add('message_create', A, i);
    s.add('message_create', A, 5.5); // within the minute: nothing
    const recipe = load('leveling-classic-bots.json');
    const bindings = { channels: { level_ups: '600000000000000008' }, roles: { level_5: '700000000000000005', level_10: '700000000000000010', level_20: '700000000000000020' } };
    const first = await run(recipe, s.events, bindings);
    const xp = first.members[A]!.balances.xp!;
    expect(xp).toBeGreaterThanOrEqual(6 * 15);
    expect(xp).toBeLessThanOrEqual(6 * 25);
    expect(first.members[A]!.levels.xp).toBe(xp >= 100 ? 1 : 0);
    // The same stream in another guild gives the same amounts (the "random" XP follows the message ids).
    const replay = stream();
    replay.events.push(...s.events.map((e) => ({ ...e, guild_id: replay.guild })));
    expect((await run(recipe, replay.events, bindings)).members[A]!.balances.xp).toBe(xp);
  });

  it('nonprofit volunteers: hours from events and volunteering voice, kudos capped per giver, Coordinator at 50 hours', async () => {
    const s = stream();
    s.add('scheduled_event_attend', A, 0, { minutes_present: 2400 });
    s.add('voice_session_end', A, 100, { duration_seconds: 600 * 60 }, { channel_id: '600000000000000077' });
    s.add('voice_session_end', A, 900, { duration_seconds: 600 * 60 }); // not the volunteering room
    for (let i = 0; i < 7; i++) s.add('reaction_add', B, 1000 + i, {}, { target_id: A });
    const result = await run(load('nonprofit-volunteers.json'), s.events, { channels: { volunteering_voice: '600000000000000077', thanks: '600000000000000078' }, roles: { coordinator: '700000000000000077' } });
    expect(result.members[A]!.balances).toEqual({ volunteer_minutes: 3000, kudos: 5 });
    expect(result.members[A]!.milestones).toEqual(['hours_10', 'hours_50']);
    const roles = await database.db.select().from(outbox).where(eq(outbox.guildId, s.guild));
    expect(roles.filter((r) => r.kind === 'role_add').map((r) => r.payload.role_id)).toEqual(['700000000000000077']);
  });

  it('study group: focus from voice (double in deep work), a capped daily check-in, streaks, helpfulness', async () => {
    const s = stream();
    for (const day of [0, 1, 2]) {
      s.add('command', C, day * 1440, { name: 'checkin', options: {} });
      s.add('command', C, day * 1440 + 5, { name: 'checkin', options: {} }); // second check-in of the day: capped
    }
    s.add('voice_session_end', C, 10, { duration_seconds: 50 * 60 }, { channel_id: '600000000000000066' });
    s.add('thread_create', C, 20);
    s.add('reaction_add', A, 30, {}, { target_id: C });
    const result = await run(load('study-group.json'), s.events, { channels: { deep_work: '600000000000000066' }, roles: { tutor: '700000000000000066' } });
    expect(result.members[C]!.balances).toEqual({ focus: 3 * 2 + 20 + 3, help: 1 });
    expect(result.members[C]!.milestones).toEqual(['streak_3']);
  });
});
