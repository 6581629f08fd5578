// Which settings sections hold edits not saved yet: each section reports itself, and the page asks
// before a navigation would drop them (lib/unsaved.ts).
import { getContext, setContext } from 'svelte';

const KEY = Symbol('unsaved-sections');

export class UnsavedSections {
  #dirty = $state<Record<string, boolean>>({});

  set(section: string, dirty: boolean) {
    if (dirty) this.#dirty[section] = true;
    else delete this.#dirty[section];
  }

  get any(): boolean {
    return Object.keys(this.#dirty).length > 0;
  }
}

export function provideUnsavedSections(): UnsavedSections {
  return setContext(KEY, new UnsavedSections());
}

export function unsavedSections(): UnsavedSections | undefined {
  return getContext<UnsavedSections | undefined>(KEY);
}
