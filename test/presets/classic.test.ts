// The classic preset reproduces Synapse v3 (PRODUCT.md §3): pinned hand-computed cases for each
// rule, and generated event streams compared with an independent reference implementation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { recipeConfigInput, type Recipe } from '../../src/presets/recipe.ts';
import { simulate } from '../../src/presets/simulate.ts';
import { compileConfig } from '../../src/rules/compiler.ts';
import { evaluate } from '../../src/rules/engine.ts';
import { MemoryState } from '../../src/rules/state.ts';
import { MilestoneChecker } from '../../src/milestones/checker.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { classic, generate, GUILD, recipeWithZones } from './classic-support.ts';
import { SynapseV3Reference, type ReferenceZones } from './synapse-v3-reference.ts';

const A = '900000000000000001';
const B = '900000000000000002';
const CH = '800000000000000001';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');

let n = 0;
function ev(type: LakeEvent['type'], seconds: number, fields: Partial<LakeEvent> = {}, data: Record<string, unknown> = {}): LakeEvent {
  const defaults: Record<string, Record<string, unknown>> = {
    message_create: { length: 100, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false },
    reaction_add: { emoji: '👍', message_id: '1', unique_reactor_count: 1, message_age_seconds: 1000 },
    thread_create: { name: 't' },
    voice_session_end: { duration_seconds: 600, is_afk: false },
  };
  return {
    source_id: `s${++n}`, type, guild_id: GUILD, actor_id: A, target_id: null, channel_id: CH,
    occurred_at: new Date(T0 + seconds * 1000).toISOString(), ...fields, data: { ...defaults[type], ...data },
  };
}

/** Runs events through Cairn's engine in memory (pure evaluation). */
function runEngine(recipe: Recipe, events: LakeEvent[]) {
  const config = compileConfig(recipeConfigInput(recipe, events[0]?.guild_id ?? GUILD));
  const state = new MemoryState(config.guildId);
  // Milestones from in-memory counters: the checker counts each event as it is evaluated.
  const milestones = MilestoneChecker.empty(config, state);
  const earned = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.source_id)) continue;
    seen.add(e.source_id);
    milestones.advance(e);
    const { plan } = evaluate(config, state, e, { milestones });
    for (const a of plan.milestoneAwards) {
      if (!earned.has(a.userId)) earned.set(a.userId, new Set());
      earned.get(a.userId)!.add(a.key);
    }
  }
  const get = (member: string) => {
    const w = (key: string) => state.wallet(member, config.currencies.get(key)!);
    return { xp: w('xp').balance, stars: w('stars').balance, gold: w('gold').balance, level: w('xp').level, milestones: earned.get(member) ?? new Set<string>() };
  };
  return get;
}

describe('classic preset — each rule of §3 on hand-computed cases', () => {
  it('message: 15 XP × quality, 1 Star; quality factors multiply in order and floor at 0.1', () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ length: 100 }, 15],
      [{ length: 201 }, 18], // 15 × 1.2
      [{ length: 501 }, 22], // 15 × 1.5 = 22.5
      [{ length: 600, has_code_block: true, has_link: true, has_attachment: true }, 43], // 15 × 1.5 × 1.4 × 1.25 × 1.1 = 43.3125
      [{ length: 10, emoji_count: 6 }, 7], // 15 × 0.5 = 7.5
      [{ length: 10, emoji_count: 5 }, 15],
      [{ length: 300, has_code_block: true }, 25], // 15 × 1.2 × 1.4 = 25.2
    ];
    for (const [data, xp] of cases) {
      const get = runEngine(classic, [ev('message_create', 0, {}, data)]);
      expect([data, get(A).xp, get(A).stars]).toEqual([data, xp, 1]);
    }
  });

  it('XP multiplies left to right in double precision before truncating', () => {
    const zones: ReferenceZones = { channels: { [CH]: { message: [1.1, 1] } }, defaults: {} };
    // 15 × 1.1 = 16.5, × 1.2 = 19.8 → 19 (a different order or rounding would not give 19 every time)
    const get = runEngine(recipeWithZones(zones), [ev('message_create', 0, {}, { length: 300 })]);
    expect(get(A).xp).toBe(Math.trunc(15 * 1.1 * 1.2));
    expect(get(A).xp).toBe(19);
  });

  it('one rewarded message per member per channel per 30 s', () => {
    const get = runEngine(classic, [
      ev('message_create', 0),
      ev('message_create', 29),
      ev('message_create', 5, { channel_id: '800000000000000002' }),
      ev('message_create', 30),
      ev('message_create', 31, { actor_id: B }),
    ]);
    expect(get(A)).toMatchObject({ xp: 45, stars: 3 });
    expect(get(B)).toMatchObject({ xp: 15, stars: 1 });
  });

  it('reactions: the reactor earns 2/1 even on their own message; the author 3/1 unless self', () => {
    const get = runEngine(classic, [ev('reaction_add', 0, { actor_id: B, target_id: A }), ev('reaction_add', 1, { actor_id: A, target_id: A })]);
    expect(get(B)).toMatchObject({ xp: 2, stars: 1 });
    expect(get(A)).toMatchObject({ xp: 3 + 2, stars: 1 + 1 });
  });

  it('received Stars: min(base, unique reactors); above 10 unique, 10 + (unique − 10) div 2', () => {
    const stars = (unique: number) => runEngine(classic, [ev('reaction_add', 0, { actor_id: B, target_id: A }, { unique_reactor_count: unique })])(A).stars;
    expect([1, 5, 10, 11, 12, 13, 30].map(stars)).toEqual([1, 1, 1, 10, 11, 11, 20]);
  });

  it('received XP is capped at 5 on a message with more than 10 unique reactors younger than 300 s', () => {
    const zones: ReferenceZones = { channels: { [CH]: { reaction_received: [3, 1] } }, defaults: {} };
    const xp = (unique: number, age: number) => runEngine(recipeWithZones(zones), [ev('reaction_add', 0, { actor_id: B, target_id: A }, { unique_reactor_count: unique, message_age_seconds: age })])(A).xp;
    expect([xp(11, 299), xp(11, 300), xp(10, 10)]).toEqual([5, 9, 9]);
  });

  it('at most 3 rewarded receptions per reactor→author pair per sliding 24 h; later ones still give XP', () => {
    const get = runEngine(classic, [
      ...[0, 10, 20, 30].map((s) => ev('reaction_add', s, { actor_id: B, target_id: A })),
      ev('reaction_add', 86_400 + 1, { actor_id: B, target_id: A }),
    ]);
    expect(get(A)).toMatchObject({ xp: 5 * 3, stars: 3 + 1 });
  });

  it('thread: 20 XP and 2 Stars; voice: a Star per full 10 minutes outside AFK, no XP', () => {
    const get = runEngine(classic, [ev('thread_create', 0), ev('voice_session_end', 10, {}, { duration_seconds: 3599 }), ev('voice_session_end', 20, {}, { duration_seconds: 6000, is_afk: true })]);
    expect(get(A)).toMatchObject({ xp: 20, stars: 2 + 5 });
  });

  it('levels start at 1; one level (and 50 Gold) per event when XP reaches trunc(100 × 1.25^level)', () => {
    const zones: ReferenceZones = { channels: { [CH]: { message: [10, 1] } }, defaults: {} };
    // 150 XP per message: level 1 → 2 needs 125; 2 → 3 needs 156; 3 → 4 needs 195.
    const get = runEngine(recipeWithZones(zones), [ev('message_create', 0), ev('message_create', 30), ev('message_create', 60)]);
    expect(get(A)).toMatchObject({ xp: 450, level: 4, gold: 150 });
    const big = runEngine(recipeWithZones({ channels: { [CH]: { message: [100, 1] } }, defaults: {} }), [ev('message_create', 0)]);
    expect(big(A)).toMatchObject({ xp: 1500, level: 2, gold: 50 });
  });

  it('multipliers resolve channel + exact type, channel + any, channel-type default + exact, default + any, else 1', () => {
    const zones: ReferenceZones = {
      channels: { '1': { message: [2, 1], '*': [3, 1] }, '2': { thread_create: [4, 4] } },
      defaults: { text: { thread_create: [5, 1], '*': [6, 1] } },
    };
    const get = runEngine(recipeWithZones(zones), [
      ev('message_create', 0, { channel_id: '1' }), // 30
      ev('thread_create', 1, { channel_id: '1' }), // 60
      ev('message_create', 2, { channel_id: '2' }), // default "*": 90
      ev('thread_create', 3, { channel_id: '3' }), // default exact: 100
    ]);
    expect(get(A).xp).toBe(30 + 60 + 90 + 100);
  });
});

function reference(zones: ReferenceZones, events: LakeEvent[]) {
  const model = new SynapseV3Reference(zones);
  for (const e of events) model.process(e);
  return model.members;
}

describe('classic preset — generated streams against the reference implementation', () => {
  it('matches XP, Stars, Gold, level and milestones for every member of 150 streams (pure evaluation)', () => {
    let compared = 0;
    const milestonesSeen = new Set<string>();
    for (let seed = 1; seed <= 150; seed++) {
      const { zones, events } = generate(seed, 300);
      const expected = reference(zones, events);
      const get = runEngine(recipeWithZones(zones), events);
      for (const m of expected.values()) for (const k of m.milestones) milestonesSeen.add(k);
      for (const [member, m] of expected) {
        expect({ seed, member, ...get(member) }).toEqual({ seed, member, ...m });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(800);
    expect(milestonesSeen.size).toBeGreaterThanOrEqual(3);
  });

  describe('through the whole pipeline on the database (cairn simulate)', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database.close();
    });

    it('matches the reference for every member of 4 streams of up to 3,000 events, milestones included', async () => {
      for (let seed = 1001; seed <= 1004; seed++) {
        const guildId = String(1160511689263940000n + BigInt(seed));
        const { zones, events } = generate(seed, seed === 1004 ? 3000 : 400, guildId, seed === 1004 ? 3 : 6);
        const expected = reference(zones, events);
        const lines = events.map((value, i) => ({ line: i + 1, value }));
        const result = await simulate(recipeWithZones(zones), { lines }, { database });
        const duplicates = events.length - new Set(events.map((e) => e.source_id)).size;
        expect(result.events).toEqual({ accepted: events.length - duplicates, duplicate: duplicates, rejected: 0 });
        for (const [member, m] of expected) {
          expect({ seed, member, ...result.members[member] }).toEqual({ seed, member, balances: { xp: m.xp, stars: m.stars, gold: m.gold }, levels: { xp: m.level }, milestones: [...m.milestones].sort() });
        }
      }
    });
  });
});
