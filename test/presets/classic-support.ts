// Shared by the classic preset tests: the recipe, zone tables as recipe zones, generated streams.
import { readFileSync } from 'node:fs';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { parseRecipe } from '../../src/presets/import.ts';
import type { Recipe } from '../../src/presets/recipe.ts';
import type { MultiplierRow, ReferenceZones } from './synapse-v3-reference.ts';

const parsed = parseRecipe(JSON.parse(readFileSync(new URL('../../presets/classic.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
export const classic: Recipe = parsed.recipe;
export const GUILD = '1160511689263947796';

/** Synapse rows (xp, star) as Cairn's per-currency multiplier tables. */
function tables(rows: Record<string, MultiplierRow>): Record<string, Record<string, number>> {
  const xp: Record<string, number> = {};
  const stars: Record<string, number> = {};
  for (const [key, [x, s]] of Object.entries(rows)) {
    xp[key] = x;
    stars[key] = s;
  }
  return { xp, stars };
}

/** Recipe zones (with real channel ids) for a reference zone table. */
export function recipeWithZones(zones: ReferenceZones): Recipe {
  return {
    ...classic,
    zones: [
      ...Object.entries(zones.channels).map(([channel, rows]) => ({ key: `ch-${channel}`, name: channel, channels: [channel], default_for: [], multipliers: tables(rows) })),
      ...Object.entries(zones.defaults).map(([type, rows]) => ({ key: `default-${type}`, name: type, channels: [], default_for: [type], multipliers: tables(rows) })),
    ],
  };
}

/** A small deterministic PRNG so a failing stream can be replayed. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MULTIPLIERS = [0, 0.5, 0.75, 1, 1.1, 1.25, 1.3, 1.5, 2, 3];
const KEYS = ['message', 'reaction_given', 'reaction_received', 'thread_create', 'voice_tick', '*'];

export function generate(seed: number, count: number, guildId = GUILD, memberCount = 6): { zones: ReferenceZones; events: LakeEvent[] } {
  const next = rng(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const table = () => {
    const out: Record<string, MultiplierRow> = {};
    for (const k of KEYS) if (next() < 0.4) out[k] = [pick(MULTIPLIERS), pick(MULTIPLIERS)];
    return out;
  };
  const channels = ['700000000000000001', '700000000000000002', '700000000000000003', '700000000000000004'];
  const zones: ReferenceZones = {
    channels: { [channels[0]!]: table(), [channels[1]!]: table() },
    defaults: next() < 0.7 ? { text: table(), voice: table() } : {},
  };
  const members = Array.from({ length: memberCount }, (_, i) => String(600000000000000001n + BigInt(i)));
  let t = Date.parse('2026-03-01T00:00:00.000Z');
  const events: LakeEvent[] = [];
  for (let i = 0; i < count; i++) {
    t += next() < 0.05 ? Math.floor(next() * 30 * 3600_000) : Math.floor(next() * 45_000);
    if (events.length > 3 && next() < 0.03) {
      events.push(pick(events)); // a replayed duplicate
      continue;
    }
    const actor = pick(members);
    const r = next();
    const base = { source_id: `${seed}-${i}`, guild_id: guildId, actor_id: actor, target_id: null as string | null, channel_id: pick(channels), occurred_at: new Date(t).toISOString() };
    if (r < 0.5) {
      events.push({ ...base, type: 'message_create', data: { length: Math.floor(next() * 1200), has_code_block: next() < 0.2, has_link: next() < 0.2, has_attachment: next() < 0.15, attachment_count: 0, emoji_count: Math.floor(next() * 9), is_reply: false } });
    } else if (r < 0.82) {
      events.push({ ...base, type: 'reaction_add', target_id: next() < 0.15 ? actor : next() < 0.05 ? null : pick(members), data: { emoji: '🔥', message_id: String(1000 + i), unique_reactor_count: 1 + Math.floor(next() * 25), message_age_seconds: Math.floor(next() * 900) } });
    } else if (r < 0.9) {
      events.push({ ...base, type: 'thread_create', data: { name: 'x' } });
    } else {
      events.push({ ...base, type: 'voice_session_end', data: { duration_seconds: Math.floor(next() * 14_400), is_afk: next() < 0.15 } });
    }
  }
  return { zones, events };
}

