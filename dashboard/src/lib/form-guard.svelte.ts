// Fields whose text cannot become a value (a JSON box holding invalid JSON): they keep the text and
// show why, and the form they sit in refuses to save until they are fixed, so an edit is never
// dropped in silence. A form provides the guard; its fields find it through the component context.
import { getContext, setContext } from 'svelte';
import type { FieldProblem } from './api';

const KEY = Symbol('form-guard');

export class FormGuard {
  #invalid = $state<Record<string, FieldProblem>>({});

  /** Marks a field invalid (with the label to name it by) or valid again (message null). */
  set(id: string, label: string, message: string | null) {
    if (message === null) delete this.#invalid[id];
    else this.#invalid[id] = { path: label, message };
  }

  /** One problem per invalid field; `path` holds the field's label. */
  get problems(): FieldProblem[] {
    return Object.values(this.#invalid);
  }

  /** The sentence a refused save shows. */
  get summary(): string | null {
    const labels = this.problems.map((p) => `“${p.path}”`);
    return labels.length === 0 ? null : `Not saved: fix ${labels.join(', ')} first (the text there is not valid yet).`;
  }
}

export function provideFormGuard(guard = new FormGuard()): FormGuard {
  setContext(KEY, guard);
  return guard;
}

export function formGuard(): FormGuard | undefined {
  return getContext<FormGuard | undefined>(KEY);
}
