// Why an AI call gave no answer, as a value: a stable kind (also the ai_calls outcome) and a
// message fit to show a member or an admin as-is.
export type AiFailureKind = 'disabled' | 'timeout' | 'rate_limited' | 'error' | 'invalid_output' | 'budget_exhausted';

export class AiFailure extends Error {
  constructor(
    readonly kind: AiFailureKind,
    message: string,
    /** Technical detail for ai_calls.error and logs (never shown to members). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AiFailure';
  }
}

export const AI_OFF_MESSAGE = 'AI features are off: this Cairn has no GEMINI_API_KEY configured. Everything else works as usual.';

export type AiResult<T> = { ok: true; value: T; cached?: boolean } | { ok: false; failure: AiFailure };
