// Work of one guild done in the order it was asked for, different guilds' work side by side: the
// gateway delivers a guild's dispatches in order, and a listener that writes what a later dispatch
// may overwrite (a GUILD_CREATE's snapshot, then an event created after it) must not let the
// earlier write land last.
export class GuildTurns {
  readonly #queue = new Map<string, Promise<unknown>>();

  /** Runs `work` after the guild's earlier work settled (whether it failed or not). */
  run<T>(guildId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queue.get(guildId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.#queue.set(guildId, settled);
    void settled.then(() => {
      if (this.#queue.get(guildId) === settled) this.#queue.delete(guildId);
    });
    return next;
  }
}
