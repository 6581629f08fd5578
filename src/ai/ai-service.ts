// The AI module's front door: one configured model, the price table, the daily budgets and the
// call log. `structured()` is how every feature asks Gemini something: budget check → call with a
// timeout → zod validation of the JSON answer → one ai_calls row, whatever the outcome.
import type { z } from 'zod';
import type { Clock } from '../app/clock.ts';
import { systemClock } from '../app/clock.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { BudgetBook } from './budget.ts';
import { recordCall, type AiCallRecord, type AiFeature } from './call-log.ts';
import { AI_OFF_MESSAGE, AiFailure, type AiResult } from './errors.ts';
import { GenAiModel, ModelFailure, type AiModel } from './model.ts';
import { costMicros, DefaultPrices, type PriceTable } from './prices.ts';

export interface AiOptions {
  /** GEMINI_API_KEY: without it every AI feature is off. */
  apiKey?: string | undefined;
  /** GEMINI_MODEL */
  model: string;
  /** GEMINI_BASE_URL */
  baseUrl?: string | undefined;
  /** GEMINI_TIMEOUT_SECONDS, in ms. */
  timeoutMs: number;
  prices: PriceTable;
}

export const DefaultAiOptions = {
  apiKey: undefined,
  model: 'gemini-2.5-flash',
  baseUrl: undefined,
  timeoutMs: 20_000,
  prices: DefaultPrices,
} as const satisfies AiOptions;

export interface StructuredRequest<S extends z.ZodType> {
  feature: AiFeature;
  guildId: string | null;
  prompt: string;
  system?: string;
  responseSchema: Record<string, unknown>;
  parse: S;
  timeoutMs?: number;
  maxOutputTokens?: number;
}

export interface AiServiceDeps {
  db: Db;
  logger?: Logger;
  clock?: Clock;
  /** Replaces the @google/genai model (rarely needed: tests use a fake server instead). */
  model?: AiModel;
  /** Told when a guild's call is refused for its spent budget (the ops channel reports it, throttled). */
  onBudgetExhausted?: (guildId: string, message: string) => void;
}

export class AiService {
  readonly options: AiOptions;
  readonly budgets: BudgetBook;
  readonly #model: AiModel | undefined;
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #onBudgetExhausted: AiServiceDeps['onBudgetExhausted'];
  /** Recording calls in flight, so tests and shutdown can wait for them. */
  readonly #pending = new Set<Promise<void>>();

  constructor(options: Partial<AiOptions>, deps: AiServiceDeps) {
    this.options = { ...DefaultAiOptions, ...options };
    this.#db = deps.db;
    this.#logger = deps.logger ?? silentLogger;
    this.#clock = deps.clock ?? systemClock;
    this.#onBudgetExhausted = deps.onBudgetExhausted;
    this.budgets = new BudgetBook(deps.db, () => this.#clock.now());
    this.#model = deps.model ?? (this.options.apiKey ? new GenAiModel({ apiKey: this.options.apiKey, model: this.options.model, baseUrl: this.options.baseUrl }) : undefined);
  }

  get enabled(): boolean {
    return this.#model !== undefined;
  }

  get modelName(): string {
    return this.#model?.name ?? this.options.model;
  }

  /** The service's clock (calls are recorded at its time). */
  now(): Date {
    return this.#clock.now();
  }

  /** Why AI is unavailable, or undefined when it is on. */
  get offReason(): string | undefined {
    return this.enabled ? undefined : AI_OFF_MESSAGE;
  }

  async structured<S extends z.ZodType>(request: StructuredRequest<S>): Promise<AiResult<z.output<S>>> {
    const model = this.#model;
    if (!model) return { ok: false, failure: new AiFailure('disabled', AI_OFF_MESSAGE) };
    if (request.guildId) {
      const budget = await this.budgets.check(request.guildId);
      if (!budget.allowed) {
        const failure = new AiFailure(
          'budget_exhausted',
          `This server's daily AI budget (${formatUsd(budget.limitMicros ?? 0)}) is spent; AI features resume tomorrow (UTC) or when an admin raises the budget.`,
          `spent ${budget.spentMicros} of ${budget.limitMicros} micro-dollars today`,
        );
        await this.record({ guildId: request.guildId, feature: request.feature, model: model.name, promptTokens: 0, responseTokens: 0, latencyMs: 0, costMicros: 0, outcome: 'budget_exhausted', error: failure.detail ?? null, at: this.#clock.now() });
        this.#onBudgetExhausted?.(request.guildId, `${failure.message} (${request.feature} was refused)`);
        return { ok: false, failure };
      }
    }
    const started = performance.now();
    const at = this.#clock.now();
    const base = { guildId: request.guildId, feature: request.feature, model: model.name, at };
    let answer;
    try {
      answer = await model.generate({
        prompt: request.prompt,
        responseSchema: request.responseSchema,
        timeoutMs: request.timeoutMs ?? this.options.timeoutMs,
        ...(request.system ? { system: request.system } : {}),
        ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
      });
    } catch (error) {
      const failure = error instanceof AiFailure ? error : new AiFailure('error', 'Cairn could not reach Gemini. Try again later.', String(error));
      const pt = error instanceof ModelFailure ? error.promptTokens : 0;
      const rt = error instanceof ModelFailure ? error.responseTokens : 0;
      await this.record({ ...base, promptTokens: pt, responseTokens: rt, latencyMs: performance.now() - started, costMicros: costMicros(this.options.prices, model.name, pt, rt), outcome: failure.kind === 'disabled' ? 'error' : failure.kind, error: failure.detail ?? failure.message });
      this.#logger.warn({ feature: request.feature, guildId: request.guildId, kind: failure.kind, detail: failure.detail }, 'AI call failed');
      return { ok: false, failure };
    }
    const latencyMs = performance.now() - started;
    const cost = costMicros(this.options.prices, model.name, answer.promptTokens, answer.responseTokens);
    const usage = { ...base, promptTokens: answer.promptTokens, responseTokens: answer.responseTokens, latencyMs, costMicros: cost };
    const parsed = parseAnswer(answer.text, request.parse, answer.finishReason);
    if (!parsed.ok) {
      await this.record({ ...usage, outcome: 'invalid_output', error: parsed.failure.detail ?? null });
      this.#logger.warn({ feature: request.feature, guildId: request.guildId, detail: parsed.failure.detail }, 'AI answer was not usable');
      return parsed;
    }
    await this.record({ ...usage, outcome: 'ok' });
    return parsed;
  }

  /**
   * Records a call in ai_calls (a failure to record is logged, never thrown). Calls through
   * `structured()` are recorded before it returns, so the ledger shows them as soon as their
   * answer is out; others (cache hits) may leave it running.
   */
  record(call: AiCallRecord): Promise<void> {
    if (call.guildId && call.costMicros > 0) this.budgets.add(call.guildId, call.costMicros);
    const p: Promise<void> = recordCall(this.#db, call)
      .catch((error: unknown) => this.#logger.error({ err: error, feature: call.feature }, 'could not record an AI call'))
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
    return p;
  }

  /** Resolves when every call so far is recorded in ai_calls. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}

export const formatUsd = (micros: number) => `$${(micros / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;

/** JSON text → zod-checked value, or an invalid_output failure saying what was wrong. */
export function parseAnswer<S extends z.ZodType>(text: string, schema: S, finishReason?: string): AiResult<z.output<S>> {
  const unusable = (detail: string) => ({ ok: false as const, failure: new AiFailure('invalid_output', 'Gemini gave an answer Cairn could not use. Try again, or rephrase the text.', detail) });
  if (finishReason && finishReason !== 'STOP' && finishReason !== 'MAX_TOKENS') return unusable(`finish reason ${finishReason}`);
  if (text.trim() === '') return unusable('empty answer');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return unusable(`not JSON: ${(error as Error).message}; answer began ${JSON.stringify(text.slice(0, 80))}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    return unusable(result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  }
  return { ok: true, value: result.data };
}
