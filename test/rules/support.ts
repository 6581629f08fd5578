// Builders for engine tests: a compiled configuration from plain documents, and events.
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { CurrencySchema, type CurrencyInput } from '../../src/ledger/currency.ts';
import { compileConfig, type CompiledConfig, type CurrencyInfo } from '../../src/rules/compiler.ts';
import type { RuleInput } from '../../src/rules/schema.ts';
import { ZoneSchema, type ZoneInput } from '../../src/rules/zones.ts';
import { ALICE, BOB, CHANNEL, GUILD, nextSourceId } from '../support/factories.ts';

export function currency(input: Partial<CurrencyInput> & { key: string }, id: number): CurrencyInfo {
  return { ...CurrencySchema.parse({ name: input.key, ...input }), id };
}

export function config(options: { currencies?: (Partial<CurrencyInput> & { key: string })[]; zones?: ZoneInput[]; rules: RuleInput[]; maxChainDepth?: number }): CompiledConfig {
  const compiled = compileConfig({
    guildId: GUILD,
    version: 1,
    currencies: (options.currencies ?? [{ key: 'xp' }, { key: 'gold', spendable: true }]).map((c, i) => currency(c, i + 1)),
    zones: (options.zones ?? []).map((z) => ZoneSchema.parse(z)),
    rules: options.rules.map((document, i) => ({ id: i + 1, version: 1, document })),
    ...(options.maxChainDepth ? { maxChainDepth: options.maxChainDepth } : {}),
  });
  if (compiled.problems.length > 0) throw new Error(`test rules do not compile: ${JSON.stringify(compiled.problems)}`);
  return compiled;
}

/** A rule that credits `amount` of `currency` to the actor on `events`. */
export function creditRule(key: string, overrides: Partial<RuleInput> & { amount?: unknown; currency?: string } = {}): RuleInput {
  const { amount = 10, currency: cur = 'xp', ...rest } = overrides;
  return {
    key,
    name: key,
    trigger: { events: ['message_create'] },
    effects: [{ type: 'credit', to: 'actor', currency: cur, amount: amount as number }],
    ...rest,
  };
}

export function event(type: LakeEvent['type'], overrides: Partial<LakeEvent> = {}): LakeEvent {
  const defaults: Record<string, Record<string, unknown>> = {
    message_create: { length: 100, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false },
    reaction_add: { emoji: '👍', message_id: '555', unique_reactor_count: 1, message_age_seconds: 60 },
    thread_create: { name: 't' },
    voice_session_end: { duration_seconds: 600, is_afk: false },
    command: { name: 'daily', options: {} },
    manual_award: { currency: 'gold', amount: 5, reason: 'x' },
  };
  return {
    source_id: nextSourceId(),
    type,
    guild_id: GUILD,
    actor_id: ALICE,
    target_id: type === 'reaction_add' || type === 'manual_award' ? BOB : null,
    channel_id: CHANNEL,
    occurred_at: '2026-11-22T10:00:00.000Z',
    ...overrides,
    data: { ...defaults[type], ...overrides.data },
  };
}

export const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
