// The AI module's small parts: price table and cost, the embed, the LRU cache, the concurrency
// limit, answer parsing, and which rules opt in to ai_quality (decided at compile time).
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/ai/ai-service.ts';
import { auditEmbed, AuditVerdictSchema } from '../../src/ai/audit.ts';
import { aiSettingsOf } from '../../src/ai/budget.ts';
import { costMicros, DefaultPrices, parsePriceTable } from '../../src/ai/prices.ts';
import { LruCache } from '../../src/ai/lru.ts';
import { Semaphore } from '../../src/ai/semaphore.ts';
import { needsAiQuality } from '../../src/rules/compiler.ts';
import { readsVar } from '../../src/rules/logic/reads.ts';
import { config, creditRule, event } from '../rules/support.ts';

describe('prices', () => {
  it('costs tokens at the model’s USD-per-million price, in micro-dollars', () => {
    expect(costMicros(DefaultPrices, 'gemini-2.5-flash', 1_000_000, 0)).toBe(300_000);
    expect(costMicros(DefaultPrices, 'gemini-2.5-flash', 1_000, 200)).toBe(800);
    expect(costMicros(DefaultPrices, 'some-future-model', 1_000, 200)).toBe(800); // the '*' fallback
  });

  it('CAIRN_AI_PRICES overrides and extends the defaults; bad JSON or values are named', () => {
    const table = parsePriceTable('{"gemini-2.5-flash":{"input":1,"output":2},"my-model":{"input":0.5,"output":0.5}}');
    expect(costMicros(table, 'gemini-2.5-flash', 10, 10)).toBe(30);
    expect(costMicros(table, 'my-model', 10, 10)).toBe(10);
    expect(costMicros(table, 'gemini-2.5-pro', 1_000, 0)).toBe(1_250);
    expect(() => parsePriceTable('{nope')).toThrow(/CAIRN_AI_PRICES is not valid JSON/);
    expect(() => parsePriceTable('{"m":{"input":-1,"output":1}}')).toThrow(/CAIRN_AI_PRICES m\.input/);
  });
});

describe('audit embed', () => {
  it.each([
    ['green', 0x57f287],
    ['yellow', 0xfee75c],
    ['red', 0xed4245],
  ] as const)('%s is coloured %i and lists the reasons', (risk, color) => {
    const e = auditEmbed({ risk, summary: 'Short. Clear.', reasons: ['a', 'b'] }, 'gemini-2.5-flash');
    expect(e).toMatchObject({ color, description: 'Short. Clear.', fields: [{ name: 'Reasons', value: '• a\n• b' }], footer: { text: expect.stringContaining('gemini-2.5-flash') } });
  });

  it('parses only well-formed verdicts', () => {
    expect(parseAnswer('{"risk":"red","summary":"Bad.","reasons":["x"]}', AuditVerdictSchema)).toMatchObject({ ok: true, value: { risk: 'red' } });
    for (const text of ['', 'not json', '{"risk":"orange","summary":"x","reasons":[]}', '{"risk":"red"}']) {
      const result = parseAnswer(text, AuditVerdictSchema);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.failure.kind).toBe('invalid_output');
    }
    const blocked = parseAnswer('{"risk":"red","summary":"x","reasons":[]}', AuditVerdictSchema, 'SAFETY');
    expect(blocked.ok || blocked.failure.detail).toBe('finish reason SAFETY');
  });
});

describe('budget settings', () => {
  it('default to $1 a day; null means no limit; nonsense falls back to the default', () => {
    expect(aiSettingsOf({})).toEqual({ daily_budget_usd: 1, digest_channel_id: null });
    expect(aiSettingsOf({ ai: { daily_budget_usd: null } })).toMatchObject({ daily_budget_usd: null });
    expect(aiSettingsOf({ ai: { daily_budget_usd: 2.5, digest_channel_id: '42' } })).toEqual({ daily_budget_usd: 2.5, digest_channel_id: '42' });
    expect(aiSettingsOf({ ai: { daily_budget_usd: 'lots' } })).toMatchObject({ daily_budget_usd: 1 });
  });
});

describe('LRU cache', () => {
  it('evicts the least recently used entry and expires old ones', () => {
    let now = 0;
    const cache = new LruCache<number>(2, 1_000, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    now = 2_000;
    expect(cache.get('c')).toBeUndefined();
  });
});

describe('semaphore', () => {
  it('lets N through, queues the rest, and drops a waiter whose deadline passed', async () => {
    const slots = new Semaphore(1);
    const first = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    const next = slots.acquire();
    expect(slots.queued).toBe(2);
    controller.abort();
    expect(await waiting).toBeUndefined();
    first!();
    const second = await next;
    expect(second).toBeTypeOf('function');
    expect(slots.active).toBe(1);
    second!();
    second!(); // releasing twice frees one slot only
    expect(slots.active).toBe(0);
  });
});

describe('which rules read ai_quality', () => {
  it('finds var paths in conditions, vars and amounts, with or without a default', () => {
    expect(readsVar({ '>': [{ var: 'ai_quality' }, 0.5] }, 'ai_quality')).toBe(true);
    expect(readsVar({ '*': [10, { var: ['ai_quality', 0.5] }] }, 'ai_quality')).toBe(true);
    expect(readsVar({ var: 'event.data.ai_quality' }, 'ai_quality')).toBe(false);
    expect(readsVar({ var: 'ai_quality_x' }, 'ai_quality')).toBe(false);
  });

  it('makes an event wait only when a live rule it can trigger reads it', () => {
    const c = config({
      rules: [
        creditRule('plain'),
        creditRule('help-quality', { trigger: { events: ['message_create'], channels: ['42'] }, amount: { '*': [10, { var: 'ai_quality' }] } }),
        creditRule('shadow-quality', { trigger: { events: ['thread_create'] }, mode: 'shadow', conditions: [{ if: { '>': [{ var: 'ai_quality' }, 0.5] } }] }),
        creditRule('vars-quality', { trigger: { events: ['command'] }, vars: { q: { var: 'ai_quality' } } }),
      ],
    });
    expect(c.aiQuality).toBe(true);
    expect(c.rules.filter((r) => r.usesAiQuality).map((r) => r.rule.key).sort()).toEqual(['help-quality', 'shadow-quality', 'vars-quality']);
    expect(needsAiQuality(c, event('message_create', { channel_id: '42' }))).toBe(true);
    expect(needsAiQuality(c, event('message_create', { channel_id: '43' }))).toBe(false);
    expect(needsAiQuality(c, event('reaction_add'))).toBe(false);
    expect(needsAiQuality(c, event('thread_create'))).toBe(false); // shadow rules never delay live events
    expect(needsAiQuality(c, event('command'))).toBe(true);
    expect(config({ rules: [creditRule('plain')] }).aiQuality).toBe(false);
  });
});
