// Discord shards of this process: which shard holds a guild, which shards this process runs
// (DISCORD_SHARDS with DISCORD_SHARD_COUNT), and the spec parser behind both. Discord routes a
// guild to shard `(guild_id >> 22) % shard_count`; a process only ever hears its shards' guilds.

/** The shard that holds a guild, for a given shard count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** What DISCORD_SHARD_COUNT and DISCORD_SHARDS say: a count (or ask Discord) and this process's ids (or all). */
export interface ShardPlan {
  count: number | 'auto';
  /** Sorted and distinct; 'all' runs every shard of the count. */
  ids: readonly number[] | 'all';
}

export const SingleShard = { count: 1, ids: 'all' } as const satisfies ShardPlan;

/** A bad DISCORD_SHARDS, with what is wrong with it. */
export class ShardSpecError extends Error {
  override readonly name = 'ShardSpecError';
}

const MAX_SHARD_ID = 65_535;

/**
 * Parses `0-3`, `4,5`, `0-1,6` into sorted ids. Refuses bad syntax, reversed or empty ranges and ids
 * listed twice (an overlap is a configuration mistake, not something to merge quietly).
 */
export function parseShardIds(spec: string): number[] {
  const ids: number[] = [];
  const parts = spec.split(',').map((p) => p.trim());
  for (const part of parts) {
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!match) throw new ShardSpecError(`"${part}" is not a shard id or range (use e.g. 0-3 or 4,5)`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new ShardSpecError(`range ${part} runs backwards`);
    if (to > MAX_SHARD_ID) throw new ShardSpecError(`shard id ${to} is too large`);
    for (let id = from; id <= to; id++) ids.push(id);
  }
  const sorted = [...ids].sort((a, b) => a - b);
  const twice = sorted.find((id, i) => i > 0 && sorted[i - 1] === id);
  if (twice !== undefined) throw new ShardSpecError(`shard ${twice} is listed twice`);
  return sorted;
}

/** The ids a plan runs once the count is known; throws when an id is out of range. */
export function resolveShardIds(plan: ShardPlan, count: number): number[] {
  if (plan.ids === 'all') return Array.from({ length: count }, (_, i) => i);
  const outside = plan.ids.filter((id) => id >= count);
  if (outside.length > 0) throw new ShardSpecError(`shard ${outside.join(', ')} is out of range: the shard count is ${count} (ids 0-${count - 1})`);
  return [...plan.ids];
}

/** Answers "does this process hold that guild?" once the shard count and ids are known. */
export class ShardSet {
  readonly #ids: ReadonlySet<number>;

  constructor(
    readonly ids: readonly number[],
    readonly count: number,
  ) {
    this.#ids = new Set(ids);
  }

  owns(guildId: string): boolean {
    if (this.count === 1) return true;
    try {
      return this.#ids.has(shardOf(guildId, this.count));
    } catch {
      return false; // not a snowflake: no shard holds it
    }
  }
}
