// The price table that turns token counts into an estimated cost. Prices are US dollars per
// million tokens, so a token costs exactly that many micro-dollars (ai_calls.cost_micros).
import { z } from 'zod';

export interface ModelPrice {
  /** USD per million prompt tokens. */
  input: number;
  /** USD per million response tokens (thinking tokens included). */
  output: number;
}

export type PriceTable = Record<string, ModelPrice>;

/** Published list prices at the time of writing; override with CAIRN_AI_PRICES. `*` is the fallback. */
export const DefaultPrices = {
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
  '*': { input: 0.3, output: 2.5 },
} as const satisfies PriceTable;

const PriceTableSchema = z.record(z.string().min(1), z.object({ input: z.number().min(0), output: z.number().min(0) }).strict());

/** Parses CAIRN_AI_PRICES (JSON: {"model": {"input": usdPerM, "output": usdPerM}}) over the defaults. */
export function parsePriceTable(json: string | undefined): PriceTable {
  if (!json) return { ...DefaultPrices };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`CAIRN_AI_PRICES is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`CAIRN_AI_PRICES ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { ...DefaultPrices, ...parsed.data };
}

export function priceOf(table: PriceTable, model: string): ModelPrice {
  return table[model] ?? table['*'] ?? DefaultPrices['*'];
}

/** Estimated cost in micro-dollars, rounded to the nearest micro-dollar. */
export function costMicros(table: PriceTable, model: string, promptTokens: number, responseTokens: number): number {
  const price = priceOf(table, model);
  return Math.round(promptTokens * price.input + responseTokens * price.output);
}
