// Validates rules and compiles a guild's configuration once per change: JSON Logic to closures,
// zones to channel sets, rules indexed by trigger type and sorted by priority.
import type { CustomCommand } from '../custom-commands/schema.ts';
import type { EventType } from '../events/lake-event.ts';
import type { Currency } from '../ledger/currency.ts';
import { MilestoneSchema, type Milestone } from '../milestones/schema.ts';
import { compileLogic, type Compiled } from './logic/compile.ts';
import { readsVar } from './logic/reads.ts';
import { disabledModules } from '../guilds/modules.ts';
import { RuleSchema, type Effect, type Limit, type Rule } from './schema.ts';
import { ZoneIndex, type Zone } from './zones.ts';

export interface CurrencyInfo extends Currency {
  id: number;
}

export interface StoredRule {
  id: number;
  version: number;
  document: unknown;
}

export type CompiledEffect = Effect & { compiledAmount?: Compiled; compiledData?: Record<string, Compiled> };

export interface CompiledRule {
  id: number;
  version: number;
  rule: Rule;
  channels?: Set<string>;
  excludeChannels?: Set<string>;
  conditions: { name: string; test: Compiled }[];
  vars: [string, Compiled][];
  limits: Limit[];
  effects: CompiledEffect[];
  /** Position in the guild's priority order (lower runs first), for stable sorting across types. */
  order: number;
  /** Has a cap limit: its firings must record the amounts they credited. */
  hasCap: boolean;
  /** Reads `ai_quality` (conditions, vars or amounts): its events wait for the AI signal. */
  usesAiQuality: boolean;
  /** Run-time health in this process (live evaluations only): failures without a success between. */
  health: { failuresInARow: number; lastError?: string };
  /** The rule's key and mode, read on every evaluation (`rule` varies in shape between rules). */
  key: string;
  live: boolean;
  shadow: boolean;
  stopProcessing: boolean;
  /** The trigger's filters, one shape for every rule, so the engine's reads of them stay fast. */
  filter: TriggerFilter;
  name: string;
  /** Per effect, by index: the credit, debit or transfer it is, in one shape (else undefined). */
  moves: (MoveSpec | undefined)[];
}

/** A credit, debit or transfer as the engine reads it: every field present, amount compiled. */
export interface MoveSpec {
  type: 'credit' | 'debit' | 'transfer';
  from: 'actor' | 'target' | undefined;
  to: 'actor' | 'target' | undefined;
  /** The guild's currency it moves (references are checked before a rule is compiled). */
  currency: CurrencyInfo;
  amount: Compiled;
  round: (x: number) => number;
  reason: string | undefined;
}

const ROUND = { trunc: Math.trunc, floor: Math.floor, ceil: Math.ceil, round: Math.round } as const;

function moveSpec(effect: CompiledEffect, currencies: ReadonlyMap<string, CurrencyInfo>): MoveSpec | undefined {
  if (effect.type !== 'credit' && effect.type !== 'debit' && effect.type !== 'transfer') return undefined;
  return {
    type: effect.type,
    from: effect.type === 'credit' ? undefined : effect.from,
    to: effect.type === 'debit' ? undefined : effect.to,
    currency: currencies.get(effect.currency)!,
    amount: effect.compiledAmount!,
    round: ROUND[effect.round],
    reason: effect.reason,
  };
}

/** A trigger's filters beyond its event types, every field present (undefined when not set). */
export interface TriggerFilter {
  excludeSelf: boolean;
  hasTarget: boolean | undefined;
  currency: string | undefined;
  milestone: string | undefined;
  item: string | undefined;
  /** The trigger filters on roles (the engine then asks for the actor's roles). */
  roles: boolean;
}

function triggerFilter(trigger: Rule['trigger']): TriggerFilter {
  return {
    excludeSelf: trigger.exclude_self === true,
    hasTarget: trigger.has_target,
    currency: trigger.currency,
    milestone: trigger.milestone,
    item: trigger.item,
    roles: trigger.roles !== undefined,
  };
}

/** The context variable of the AI message-quality signal (0–1, or null when unavailable). */
export const AI_QUALITY = 'ai_quality';

/** Whether a rule's logic reads the AI quality signal (decided once, when it is compiled). */
export function ruleUsesAiQuality(rule: Rule): boolean {
  return readsVar([rule.conditions.map((c) => c.if), rule.vars ?? {}, rule.effects.map((e) => ('amount' in e ? e.amount : e.type === 'emit' ? e.data : null))], AI_QUALITY);
}

/** Whether a live rule this event can trigger reads ai_quality (so the event needs the signal). */
export function needsAiQuality(config: CompiledConfig, event: { type: string; channel_id: string | null }): boolean {
  if (!config.aiQuality) return false;
  return candidatesFor(config, event.type, event.channel_id).some((r) => r.usesAiQuality && r.rule.mode === 'live');
}

export interface CompileProblem {
  ruleKey: string;
  path: string;
  message: string;
}

export interface CompiledConfig {
  guildId: string;
  version: number;
  rules: CompiledRule[];
  /** Every enabled rule listening to a type, in priority order (what a trace shows). */
  byType: Map<string, CompiledRule[]>;
  /** The same, split into rules open to any channel and rules restricted to channels (indexed). */
  index: Map<string, { open: CompiledRule[]; byChannel: Map<string, CompiledRule[]> }>;
  zones: ZoneIndex;
  currencies: Map<string, CurrencyInfo>;
  currencyById: Map<number, CurrencyInfo>;
  /** Rules that could not be compiled; they never run. */
  problems: CompileProblem[];
  /** Enabled rules left out because their module is switched off (a dry run says so). */
  moduleOff: { id: number; version: number; rule: Rule }[];
  /** Internal event types some rule listens to (others need not be emitted). */
  listened: Set<string>;
  /** listened has currency_credited / currency_debited, asked at every move. */
  listensToCredits: boolean;
  listensToDebits: boolean;
  /** Some enabled rule reads ai_quality. */
  aiQuality: boolean;
  maxChainDepth: number;
  milestones: CompiledMilestone[];
  timezone: string;
  settings: GuildSettings;
  season: { id: number; number: number; startedAt: Date } | null;
  /** Custom slash commands (all of them; the bot leaves out those of disabled modules). */
  commands: CustomCommand[];
}

export const formatPath = (path: (string | number | symbol)[]): string =>
  path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');

/** Parses a rule document; problems carry the JSON path of each. */
export function parseRule(document: unknown): { ok: true; rule: Rule } | { ok: false; problems: { path: string; message: string }[] } {
  const parsed = RuleSchema.safeParse(document);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  }
  return { ok: true, rule: parsed.data };
}

/** Zone keys and currency keys a rule names must exist in the guild. */
export function checkReferences(rule: Rule, currencies: Set<string>, zones: Set<string>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const zoneLists: ['zones' | 'exclude_zones', string[] | undefined][] = [['zones', rule.trigger.zones], ['exclude_zones', rule.trigger.exclude_zones]];
  for (const [field, list] of zoneLists) {
    list?.forEach((z, i) => {
      if (!zones.has(z)) problems.push({ path: `trigger.${field}[${i}]`, message: `unknown zone "${z}"` });
    });
  }
  rule.effects.forEach((e, i) => {
    if ('currency' in e && !currencies.has(e.currency)) problems.push({ path: `effects[${i}].currency`, message: `unknown currency "${e.currency}"` });
  });
  rule.limits.forEach((l, i) => {
    if (l.kind === 'cap' && !currencies.has(l.currency)) problems.push({ path: `limits[${i}].currency`, message: `unknown currency "${l.currency}"` });
  });
  return problems;
}

export function compileRule(stored: StoredRule, rule: Rule, zones: ZoneIndex, currencies: ReadonlyMap<string, CurrencyInfo>, order: number): CompiledRule {
  const channelSet = (ids: string[] | undefined, zoneKeys: string[] | undefined): Set<string> | undefined => {
    if (!ids && !zoneKeys) return undefined;
    const set = new Set(ids ?? []);
    for (const key of zoneKeys ?? []) for (const c of zones.byKey.get(key)?.channels ?? []) set.add(c);
    return set;
  };
  // Without zones every multiplier is 1, worked out once (context.ts answers the same per event).
  const options = { noZones: zones.empty };
  const effects: CompiledEffect[] = rule.effects.map((e) => ({
    ...e,
    ...('amount' in e ? { compiledAmount: compileLogic(e.amount, options) } : {}),
    ...(e.type === 'emit' ? { compiledData: Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k, compileLogic(v, options)])) } : {}),
  }));
  return {
    id: stored.id,
    version: stored.version,
    rule,
    channels: channelSet(rule.trigger.channels, rule.trigger.zones),
    excludeChannels: channelSet(rule.trigger.exclude_channels, rule.trigger.exclude_zones),
    conditions: rule.conditions.map((c, i) => ({ name: c.name ?? `condition ${i + 1}`, test: compileLogic(c.if, options) })),
    vars: Object.entries(rule.vars ?? {}).map(([name, expr]) => [name, compileLogic(expr, options)]),
    limits: rule.limits,
    effects,
    order,
    hasCap: rule.limits.some((l) => l.kind === 'cap'),
    usesAiQuality: ruleUsesAiQuality(rule),
    health: { failuresInARow: 0 },
    key: rule.key,
    live: rule.mode === 'live',
    shadow: rule.mode === 'shadow',
    stopProcessing: rule.stop_processing === true,
    filter: triggerFilter(rule.trigger),
    name: rule.name,
    moves: effects.map((e) => moveSpec(e, currencies)),
  };
}

export interface StoredMilestone {
  id: number;
  document: unknown;
}

export interface CompiledMilestone extends Milestone {
  id: number;
}

export interface GuildSettings {
  /** Where milestone announcements go unless a template names a channel. */
  announce_channel_id?: string;
  /** Minimum seconds between two milestone announcements in one channel. */
  announce_interval_seconds?: number;
  [key: string]: unknown;
}

export interface ConfigInput {
  guildId: string;
  version: number;
  rules: StoredRule[];
  zones: Zone[];
  currencies: CurrencyInfo[];
  milestones?: StoredMilestone[];
  /** IANA time zone of the guild: days (streaks, daily counters) are its calendar days. */
  timezone?: string;
  settings?: GuildSettings;
  /** The open season (season-scoped milestones are earned once per season). */
  season?: { id: number; number: number; startedAt: Date } | null;
  maxChainDepth?: number;
  /** The guild's custom slash commands (the bot registers them; rules see their `command` events). */
  commands?: CustomCommand[];
}

/**
 * The rules an event can meet, in priority order: a rule restricted to channels is only looked at
 * for events in one of them (an index lookup), so thousands of channel rules cost little.
 */
export function candidatesFor(config: CompiledConfig, type: string, channelId: string | null): CompiledRule[] {
  const entry = config.index.get(type);
  if (!entry) return [];
  const channel = channelId && entry.byChannel.size > 0 ? entry.byChannel.get(channelId) : undefined;
  if (!channel) return entry.open;
  if (entry.open.length === 0) return channel;
  const merged: CompiledRule[] = [];
  let i = 0;
  let j = 0;
  while (i < entry.open.length || j < channel.length) {
    if (j >= channel.length || (i < entry.open.length && entry.open[i]!.order < channel[j]!.order)) merged.push(entry.open[i++]!);
    else merged.push(channel[j++]!);
  }
  return merged;
}

/** Higher priority first; ties broken by key so the order never depends on storage. */
export const byPriority = (a: Rule, b: Rule) => b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function compileConfig(input: ConfigInput): CompiledConfig {
  const zones = new ZoneIndex(input.zones);
  const currencies = new Map(input.currencies.map((c) => [c.key, c]));
  const zoneKeys = new Set(input.zones.map((z) => z.key));
  const currencyKeys = new Set(currencies.keys());
  const problems: CompileProblem[] = [];
  const parsed: { stored: StoredRule; rule: Rule }[] = [];
  const off = disabledModules(input.settings ?? {});
  const moduleOff: CompiledConfig['moduleOff'] = [];
  for (const stored of input.rules) {
    const result = parseRule(stored.document);
    const key = String((stored.document as { key?: unknown })?.key ?? `#${stored.id}`);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => ({ ruleKey: key, ...p })));
      continue;
    }
    const refs = checkReferences(result.rule, currencyKeys, zoneKeys);
    if (refs.length > 0) {
      problems.push(...refs.map((p) => ({ ruleKey: key, ...p })));
      continue;
    }
    if (!result.rule.enabled) continue;
    if (off.has(result.rule.module)) moduleOff.push({ id: stored.id, version: stored.version, rule: result.rule });
    else parsed.push({ stored, rule: result.rule });
  }
  parsed.sort((a, b) => byPriority(a.rule, b.rule));
  const rules = parsed.map((p, i) => compileRule(p.stored, p.rule, zones, currencies, i));
  const byType = new Map<string, CompiledRule[]>();
  const index = new Map<string, { open: CompiledRule[]; byChannel: Map<string, CompiledRule[]> }>();
  const listened = new Set<string>();
  for (const rule of rules) {
    for (const type of rule.rule.trigger.events) {
      const list = byType.get(type) ?? [];
      list.push(rule);
      byType.set(type, list);
      listened.add(type as EventType);
      let entry = index.get(type);
      if (!entry) index.set(type, (entry = { open: [], byChannel: new Map() }));
      if (!rule.channels) entry.open.push(rule);
      else {
        for (const channel of rule.channels) {
          const forChannel = entry.byChannel.get(channel);
          if (forChannel) forChannel.push(rule);
          else entry.byChannel.set(channel, [rule]);
        }
      }
    }
  }
  return {
    guildId: input.guildId,
    version: input.version,
    rules,
    byType,
    index,
    zones,
    currencies,
    currencyById: new Map(input.currencies.map((c) => [c.id, c])),
    problems,
    moduleOff,
    listened,
    listensToCredits: listened.has('currency_credited'),
    listensToDebits: listened.has('currency_debited'),
    aiQuality: rules.some((r) => r.usesAiQuality),
    maxChainDepth: input.maxChainDepth ?? 3,
    milestones: compileMilestones(input.milestones ?? [], problems),
    timezone: input.timezone ?? 'UTC',
    settings: input.settings ?? {},
    season: input.season ?? null,
    commands: input.commands ?? [],
  };
}

function compileMilestones(stored: StoredMilestone[], problems: CompileProblem[]): CompiledMilestone[] {
  const out: CompiledMilestone[] = [];
  for (const m of stored) {
    const parsed = MilestoneSchema.safeParse(m.document);
    if (!parsed.success) {
      const key = String((m.document as { key?: unknown })?.key ?? `#${m.id}`);
      problems.push(...parsed.error.issues.map((i) => ({ ruleKey: `milestone:${key}`, path: formatPath(i.path) || '(root)', message: i.message })));
      continue;
    }
    if (parsed.data.enabled) out.push({ ...parsed.data, id: m.id });
  }
  return out.sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : 1));
}
