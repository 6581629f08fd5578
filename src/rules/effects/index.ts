// The effect kinds, dispatched from one table by effect type (as json-rules-engine registers its
// default operators from one list). Each handler is a plain function of (evaluator, run, effect,
// index): the engine's loop looks it up and calls it, without a switch or a closure per call.
import type { CompiledEffect } from '../compiler.ts';
import type { EffectHandler, EffectOf } from './effect.ts';
import { emitEffect } from './emit.ts';
import { messageEffect } from './message.ts';
import { milestoneEffect } from './milestone.ts';
import { moveEffect } from './move.ts';
import { roleEffect } from './role.ts';

export { EffectError } from './effect.ts';

/** The handler of every effect type: the compiler only produces these. */
export const EFFECTS: { readonly [T in CompiledEffect['type']]: EffectHandler<EffectOf<T>> } = {
  credit: moveEffect,
  debit: moveEffect,
  transfer: moveEffect,
  role_add: roleEffect,
  role_remove: roleEffect,
  message: messageEffect,
  dm: messageEffect,
  milestone_check: milestoneEffect,
  emit: emitEffect,
};
