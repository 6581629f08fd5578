// Discord ids interned to small integers, so the engine's per-member tables (wallets, limit
// history) are arrays indexed by member rather than maps keyed by id strings: an event's ids are
// looked up once, and every later step reads an array.

/** The index of "no id": an event without a target member or a channel. */
export const NO_ID = 0;

export class IdIndex {
  readonly #index = new Map<string, number>();
  /** Ids by index; index 0 is "none". */
  readonly #ids: (string | null)[] = [null];

  /** The id's index, given the next free one on first sight; NO_ID for null. */
  of(id: string | null): number {
    if (id === null) return NO_ID;
    let index = this.#index.get(id);
    if (index === undefined) {
      index = this.#ids.length;
      this.#ids.push(id);
      this.#index.set(id, index);
    }
    return index;
  }

  /** The id with this index (null for NO_ID or an index never given). */
  id(index: number): string | null {
    return this.#ids[index] ?? null;
  }
}

/**
 * Sets `list[index]`, first filling any gap with undefined: an array written far past its end
 * would turn into a slow dictionary, and member indexes arrive in any order.
 */
export function setAt<T>(list: (T | undefined)[], index: number, value: T): void {
  while (list.length < index) list.push(undefined);
  list[index] = value;
}
