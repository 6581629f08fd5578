// What every effect kind shares: the shape of its handler in the dispatch table (effects/index.ts)
// and the error by which an effect undoes its rule.
import type { CompiledEffect } from '../compiler.ts';
import type { Evaluator, RuleRun } from '../engine.ts';
import type { EffectTrace } from '../types.ts';

/** The effects of one type (or of the types one handler serves). */
export type EffectOf<T extends CompiledEffect['type']> = Extract<CompiledEffect, { type: T }>;

/**
 * Applies one effect of a firing rule: changes the evaluation's state and plan when the rule is
 * live, and returns the effect's trace when tracing (or a failure, always). A plain function
 * taking the evaluator explicitly, so the table holds no closures.
 */
export type EffectHandler<E extends CompiledEffect = CompiledEffect> = (ev: Evaluator, run: RuleRun, effect: E, index: number) => EffectTrace | undefined;

/**
 * An effect that must not be applied — a computed amount that is not a number or is beyond the
 * limits, a balance that would pass them: the rule's changes are undone and it is reported as a
 * rule error. Carries the effect's trace, so a dry run shows the failure where it happened.
 */
export class EffectError extends Error {
  constructor(
    message: string,
    readonly trace: EffectTrace,
  ) {
    super(message);
  }
}
