// Pure evaluation (no database): Cairn's engine vs json-rules-engine on equivalent rule sets —
// the classic preset, and synthetic sets of 50 and 5,000 rules.
import { readFileSync } from 'node:fs';
import { Engine as JsonRulesEngine } from 'json-rules-engine';
import type { LakeEvent } from '../src/events/lake-event.ts';
import { parseRecipe } from '../src/presets/import.ts';
import { recipeConfigInput } from '../src/presets/recipe.ts';
import { compileConfig, type CompiledConfig } from '../src/rules/compiler.ts';
import { evaluate } from '../src/rules/engine.ts';
import { MemoryState } from '../src/rules/state.ts';
import { percentile, record, userId } from './support.ts';

const GUILD = '1160511689263947796';
const TYPES = ['message_create', 'reaction_add', 'thread_create', 'voice_session_end'] as const;

export function syntheticEvents(count: number, seed = 7): LakeEvent[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, (_, i) => {
    const r = next();
    const type = r < 0.6 ? 'message_create' : r < 0.85 ? 'reaction_add' : r < 0.93 ? 'thread_create' : 'voice_session_end';
    const data: Record<string, unknown> =
      type === 'message_create' ? { length: Math.floor(next() * 800), has_code_block: next() < 0.2, has_link: next() < 0.3, has_attachment: false, attachment_count: 0, emoji_count: Math.floor(next() * 8), is_reply: false }
      : type === 'reaction_add' ? { emoji: '👍', message_id: '1', unique_reactor_count: 1 + Math.floor(next() * 15), message_age_seconds: Math.floor(next() * 900) }
      : type === 'thread_create' ? { name: 't' } : { duration_seconds: Math.floor(next() * 7200), is_afk: false };
    return {
      source_id: String(i), type, guild_id: GUILD, actor_id: userId(Math.floor(next() * 2000)),
      target_id: type === 'reaction_add' ? userId(Math.floor(next() * 2000)) : null,
      channel_id: String(700 + Math.floor(next() * 20)),
      occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 2000).toISOString(), data,
    } as LakeEvent;
  });
}

/** N rules: each listens to one event type and needs two conditions: a threshold on the event's data and one channel of twenty. */
function syntheticRules(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const type = TYPES[i % TYPES.length]!;
    const field = type === 'message_create' ? 'length' : type === 'reaction_add' ? 'unique_reactor_count' : type === 'voice_session_end' ? 'duration_seconds' : 'name';
    const threshold = type === 'message_create' ? (i * 7) % 600 : type === 'reaction_add' ? i % 10 : (i * 13) % 3600;
    return { i, type, field, threshold, channel: String(700 + ((i * 7) % 20)), amount: 1 + (i % 5) };
  });
}

function cairnConfig(n: number): CompiledConfig {
  return compileConfig({
    guildId: GUILD, version: 1, zones: [],
    currencies: [{ id: 1, key: 'xp', name: 'XP', symbol: '', spendable: false, seasonal: false, allow_negative: false, level_curve: null, display_order: 0 }],
    rules: syntheticRules(n).map((r) => ({
      id: r.i + 1, version: 1,
      document: {
        // Cairn restricts a rule to a channel in its trigger (indexed); json-rules-engine can only test it as a condition.
        key: `r${r.i}`, name: `r${r.i}`, trigger: { events: [r.type], channels: [r.channel] },
        conditions: [{ if: { '>=': [{ var: `event.data.${r.field}` }, r.threshold] } }],
        effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: r.amount }],
      },
    })),
  });
}

function jsonRulesEngine(n: number): JsonRulesEngine {
  const engine = new JsonRulesEngine([], { allowUndefinedFacts: true });
  for (const r of syntheticRules(n)) {
    engine.addRule({
      conditions: { all: [
        { fact: 'type', operator: 'equal', value: r.type },
        { fact: 'channel_id', operator: 'equal', value: r.channel },
        { fact: r.field, operator: 'greaterThanInclusive', value: r.threshold },
      ] },
      event: { type: 'credit', params: { currency: 'xp', amount: r.amount } },
    });
  }
  return engine;
}

/** Throughput from an untimed pass; latency percentiles from a second pass timing each event. */
function measureSync(events: LakeEvent[], fn: (e: LakeEvent) => void) {
  for (const e of events.slice(0, Math.min(2000, events.length))) fn(e); // warm-up
  const started = performance.now();
  for (const e of events) fn(e);
  const seconds = (performance.now() - started) / 1000;
  const times: number[] = [];
  for (const e of events.slice(0, 20_000)) {
    const t = performance.now();
    fn(e);
    times.push((performance.now() - t) * 1000);
  }
  times.sort((a, b) => a - b);
  return { perSecond: events.length / seconds, median: percentile(times, 50), p99: percentile(times, 99) };
}

async function measureAsync(events: LakeEvent[], fn: (e: LakeEvent) => Promise<unknown>) {
  for (const e of events.slice(0, 50)) await fn(e);
  const times: number[] = [];
  const started = performance.now();
  for (const e of events) {
    const t = performance.now();
    await fn(e);
    times.push((performance.now() - t) * 1000);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { perSecond: events.length / seconds, median: percentile(times, 50), p99: percentile(times, 99) };
}

export async function benchEngine(): Promise<void> {
  const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../presets/classic.json', import.meta.url), 'utf8')));
  if (!recipe.ok) throw new Error('classic preset does not parse');
  const sets: [string, CompiledConfig, number, JsonRulesEngine | undefined][] = [
    ['classic preset (7 rules)', compileConfig(recipeConfigInput(recipe.recipe, GUILD)), 200_000, undefined],
    ['synthetic 50 rules', cairnConfig(50), 200_000, jsonRulesEngine(50)],
    ['synthetic 5,000 rules', cairnConfig(5000), 10_000, jsonRulesEngine(5000)],
  ];
  for (const [name, config, count, jre] of sets) {
    const events = syntheticEvents(count);
    const state = new MemoryState(GUILD);
    const cairn = measureSync(events, (e) => evaluate(config, state, e));
    record({ bench: 'engine', database: 'memory', case: `Cairn pure evaluation, ${name}`, value: cairn.perSecond, unit: 'events/s', note: `median ${cairn.median.toFixed(1)} µs, p99 ${cairn.p99.toFixed(1)} µs` });
    if (jre) {
      const jreEvents = events.slice(0, name.includes('5,000') ? 200 : 5000);
      const facts = (e: LakeEvent) => ({ type: e.type, channel_id: e.channel_id, ...e.data });
      const other = await measureAsync(jreEvents, (e) => jre.run(facts(e)));
      record({ bench: 'engine', database: 'memory', case: `json-rules-engine, ${name}`, value: other.perSecond, unit: 'events/s', note: `median ${other.median.toFixed(1)} µs, p99 ${other.p99.toFixed(1)} µs; Cairn is ${(cairn.perSecond / other.perSecond).toFixed(0)}× faster` });
    }
  }
}
