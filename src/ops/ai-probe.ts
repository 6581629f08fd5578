// Is Gemini reachable? A real, tiny structured call through the AI service (so it is logged and
// priced like any other), made at most once a minute: the health page must not spend by reloading.
import { z } from 'zod';
import type { AiService } from '../ai/index.ts';

export type AiProbeResult =
  | { state: 'disabled'; reason: string }
  | { state: 'reachable'; model: string; latencyMs: number; checkedAt: string }
  | { state: 'unreachable'; model: string; error: string; checkedAt: string };

export const DefaultAiProbeOptions = {
  /** A probe result stands this long. */
  cacheMs: 60_000,
  timeoutMs: 10_000,
} as const satisfies Record<string, number>;

const Pong = z.object({ ok: z.boolean() });

export class AiProbe {
  readonly #options: typeof DefaultAiProbeOptions;
  #last: { at: number; result: AiProbeResult } | undefined;
  #running: Promise<AiProbeResult> | undefined;

  constructor(
    private readonly ai: AiService,
    options: Partial<typeof DefaultAiProbeOptions> = {},
  ) {
    this.#options = { ...DefaultAiProbeOptions, ...options };
  }

  async check(): Promise<AiProbeResult> {
    if (!this.ai.enabled) return { state: 'disabled', reason: this.ai.offReason ?? 'AI is off' };
    const now = this.ai.now().getTime();
    if (this.#last && now - this.#last.at < this.#options.cacheMs) return this.#last.result;
    this.#running ??= this.#probe().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #probe(): Promise<AiProbeResult> {
    const started = performance.now();
    const result = await this.ai.structured({
      feature: 'health',
      guildId: null,
      prompt: 'Health check: answer {"ok": true}.',
      responseSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      parse: Pong,
      timeoutMs: this.#options.timeoutMs,
      maxOutputTokens: 16,
    });
    const checkedAt = this.ai.now().toISOString();
    // An answer that was not the JSON asked for still came from Gemini: reachable.
    const out: AiProbeResult = result.ok || result.failure.kind === 'invalid_output'
      ? { state: 'reachable', model: this.ai.modelName, latencyMs: Math.round(performance.now() - started), checkedAt }
      : { state: 'unreachable', model: this.ai.modelName, error: result.failure.detail ?? result.failure.message, checkedAt };
    this.#last = { at: this.ai.now().getTime(), result: out };
    return out;
  }
}
