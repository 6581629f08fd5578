// Pure evaluation (no database): every shipped preset on the same generated 100,000 events, and
// Cairn's engine vs json-rules-engine on equivalent synthetic sets of 50 and 5,000 rules.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Engine as JsonRulesEngine } from 'json-rules-engine';
import type { LakeEvent } from '../src/events/lake-event.ts';
import { parseRecipe } from '../src/presets/import.ts';
import { recipeConfigInput, type Bindings, type Recipe } from '../src/presets/recipe.ts';
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

/**
 * A mixed stream for the shipped presets: mostly messages and reactions, with every other type a
 * preset listens to (voice, scheduled events, commands, tickets, FAQ votes, onboarding), from 2,000
 * members in twenty channels, one event every 2 s.
 */
export function presetEvents(count: number, seed = 17): LakeEvent[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const member = () => userId(Math.floor(next() * 2000));
  return Array.from({ length: count }, (_, i) => {
    const r = next();
    const type: LakeEvent['type'] =
      r < 0.5 ? 'message_create' : r < 0.72 ? 'reaction_add' : r < 0.77 ? 'thread_create' : r < 0.87 ? 'voice_session_end'
      : r < 0.91 ? 'scheduled_event_attend' : r < 0.94 ? 'command' : r < 0.97 ? 'ticket_closed' : r < 0.99 ? 'faq_helpful' : 'onboarding_completed';
    let target: string | null = null;
    let data: Record<string, unknown>;
    switch (type) {
      case 'message_create':
        data = { length: Math.floor(next() * 800), has_code_block: next() < 0.2, has_link: next() < 0.3, has_attachment: next() < 0.1, attachment_count: 0, emoji_count: Math.floor(next() * 8), is_reply: next() < 0.3 };
        break;
      case 'reaction_add':
        target = member();
        data = { emoji: '👍', message_id: '1', unique_reactor_count: 1 + Math.floor(next() * 15), message_age_seconds: Math.floor(next() * 900) };
        break;
      case 'thread_create':
        data = { name: 't' };
        break;
      case 'voice_session_end':
        data = { duration_seconds: Math.floor(next() * 7200), is_afk: next() < 0.1 };
        break;
      case 'scheduled_event_attend':
        data = { scheduled_event_id: '77', minutes_present: Math.floor(next() * 120), joined_on_time: next() < 0.6 };
        break;
      case 'command':
        data = { name: next() < 0.7 ? 'checkin' : 'rank', options: {} };
        break;
      case 'ticket_closed':
        target = member();
        data = { ticket: 1 + i, category: 'general', by_staff: next() < 0.8, resolved: next() < 0.9, first_response_seconds: Math.floor(next() * 3600), resolution_seconds: Math.floor(next() * 86400), reopened_count: 0 };
        break;
      case 'faq_helpful':
        target = member();
        data = { entry: 'refunds' };
        break;
      default:
        data = { total_steps: 3 };
    }
    return {
      source_id: String(i), type, guild_id: GUILD, actor_id: member(), target_id: target,
      channel_id: String(700 + Math.floor(next() * 20)),
      occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 2000).toISOString(), data,
    } as LakeEvent;
  });
}

/** Every placeholder of a recipe bound to one of the stream's twenty channels, or to a role id. */
function bindAll(recipe: Recipe): Bindings {
  const channels = Object.fromEntries(Object.keys(recipe.placeholders.channels).map((name, i) => [name, String(700 + (i % 20))]));
  const roles = Object.fromEntries(Object.keys(recipe.placeholders.roles).map((name, i) => [name, String(900_000_000_000_000_000n + BigInt(i))]));
  return { channels, roles };
}

/** The shipped presets, compiled for the bench guild. */
export function shippedPresets(): { key: string; config: CompiledConfig }[] {
  const dir = new URL('../presets/', import.meta.url);
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const parsed = parseRecipe(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    if (!parsed.ok) throw new Error(`${file} does not parse`);
    return { key: parsed.recipe.key, config: compileConfig(recipeConfigInput(parsed.recipe, GUILD, bindAll(parsed.recipe))) };
  });
}

/**
 * What a preset pays on a stream, as a digest (postings, levels, firings, outbox rows, errors, in
 * order): equal digests before and after an engine change mean not one payout changed.
 */
function payoutDigest(config: CompiledConfig, events: LakeEvent[]): { digest: string; postings: number; errors: number } {
  const state = new MemoryState(GUILD);
  const hash = createHash('sha256');
  let postings = 0;
  let errors = 0;
  for (const e of events) {
    const { plan, errors: failed, notes } = evaluate(config, state, e);
    postings += plan.postings.length;
    errors += failed.length;
    hash.update(JSON.stringify([plan, failed, notes]));
  }
  return { digest: hash.digest('hex').slice(0, 12), postings, errors };
}

/**
 * Events/s of passes over the stream, each from a fresh state: the median and best of `passes` by
 * the wall clock, and the median by this process's CPU time (steadier when other work shares the
 * cores).
 */
function throughput(config: CompiledConfig, events: LakeEvent[], passes = 5): { best: number; median: number; cpu: number } {
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let p = 0; p < passes; p++) {
    const state = new MemoryState(GUILD);
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const e of events) evaluate(config, state, e);
    rates.push(events.length / ((performance.now() - started) / 1000));
    const used = process.cpuUsage(cpu);
    cpuRates.push(events.length / ((used.user + used.system) / 1e6));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { best: Math.max(...rates), median: median(rates), cpu: median(cpuRates) };
}

export function benchPresets(count = 100_000): void {
  const events = presetEvents(count);
  for (const { key, config } of shippedPresets()) {
    const payouts = payoutDigest(config, events); // also the warm-up
    const rate = throughput(config, events);
    record({
      bench: 'engine', database: 'memory', case: `Cairn pure evaluation, preset ${key} (${config.rules.length} rules, ${count.toLocaleString('en-US')} events)`,
      value: rate.median, unit: 'events/s',
      note: `best ${Math.round(rate.best).toLocaleString('en-US')}, per CPU second ${Math.round(rate.cpu).toLocaleString('en-US')}; ${payouts.postings.toLocaleString('en-US')} postings, ${payouts.errors} rule errors, payout digest ${payouts.digest}`,
    });
  }
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
  benchPresets();
  const sets: [string, CompiledConfig, number, JsonRulesEngine | undefined][] = [
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
