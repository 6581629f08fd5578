// The one place Cairn talks to Gemini: @google/genai's generateContent with structured output.
// A swappable part (interface + default); failures become AiFailure values with a stable kind.
import { ApiError, GoogleGenAI } from '@google/genai';
import { AiFailure } from './errors.ts';

export interface ModelRequest {
  prompt: string;
  system?: string;
  /** OpenAPI-style schema of the JSON answer (Gemini's responseSchema). */
  responseSchema: Record<string, unknown>;
  timeoutMs: number;
  /** Short answers: a cap on response tokens. */
  maxOutputTokens?: number;
}

export interface ModelAnswer {
  text: string;
  promptTokens: number;
  responseTokens: number;
  finishReason: string | undefined;
}

/** A failure after Gemini answered still carries the tokens it billed. */
export class ModelFailure extends AiFailure {
  constructor(
    failure: AiFailure,
    readonly promptTokens = 0,
    readonly responseTokens = 0,
  ) {
    super(failure.kind, failure.message, failure.detail);
  }
}

export interface AiModel {
  readonly name: string;
  generate(request: ModelRequest): Promise<ModelAnswer>;
}

export interface GenAiModelOptions {
  apiKey: string;
  model: string;
  /** GEMINI_BASE_URL (a fake server in tests); Google's endpoint when unset. */
  baseUrl?: string | undefined;
}

export class GenAiModel implements AiModel {
  readonly name: string;
  readonly #client: GoogleGenAI;

  constructor(options: GenAiModelOptions) {
    this.name = options.model;
    this.#client = new GoogleGenAI({ apiKey: options.apiKey, ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}) });
  }

  async generate(request: ModelRequest): Promise<ModelAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    try {
      const response = await this.#client.models.generateContent({
        model: this.name,
        contents: request.prompt,
        config: {
          abortSignal: controller.signal,
          responseMimeType: 'application/json',
          responseSchema: request.responseSchema,
          temperature: 0,
          ...(request.system ? { systemInstruction: request.system } : {}),
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
        },
      });
      const usage = response.usageMetadata;
      const promptTokens = usage?.promptTokenCount ?? 0;
      const responseTokens = (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
      const finishReason = response.candidates?.[0]?.finishReason;
      return { text: response.text ?? '', promptTokens, responseTokens, finishReason: finishReason === undefined ? undefined : String(finishReason) };
    } catch (error) {
      throw new ModelFailure(classify(error, timedOut, request.timeoutMs));
    } finally {
      clearTimeout(timer);
    }
  }
}

function classify(error: unknown, timedOut: boolean, timeoutMs: number): AiFailure {
  const seconds = Math.round(timeoutMs / 100) / 10;
  if (timedOut) return new AiFailure('timeout', `Gemini did not answer within ${seconds} s. Try again in a moment.`, `timeout after ${timeoutMs} ms`);
  if (error instanceof ApiError) {
    const detail = `HTTP ${error.status}: ${error.message.slice(0, 300)}`;
    if (error.status === 429) return new AiFailure('rate_limited', 'Gemini is rate-limiting Cairn right now (HTTP 429). Try again in a minute.', detail);
    if (error.status === 401 || error.status === 403) return new AiFailure('error', `Gemini refused Cairn's API key (HTTP ${error.status}). An operator should check GEMINI_API_KEY.`, detail);
    return new AiFailure('error', `Gemini answered with an error (HTTP ${error.status}). Try again later.`, detail);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AiFailure('error', 'Cairn could not reach Gemini. Try again later.', message.slice(0, 300));
}
