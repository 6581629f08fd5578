// How retention treats one monthly partition, decided from what it holds per guild. Pure, so the
// choice is tested without a database.
//
// Why partition by time only (and not by guild): retention is per guild (settings.retention_days),
// but a guild's window is a suffix of time, so a month is either past every window (dropped whole,
// in milliseconds, leaving no dead tuples), or it is cut by some windows. In a cut month the cheaper
// side is rewritten: when most rows expire, the kept rows are copied into a fresh table swapped in
// for the old one (cost ∝ rows kept); when few expire, they are deleted in batches (cost ∝ rows
// deleted). A big guild's month therefore never costs a row-by-row delete of the big guild; the
// residual cost is the daily slice of a guild whose window ends inside the month, plus copying the
// rows of guilds that keep longer. List-by-guild sub-partitions would avoid even that, but they cost
// a partition per big guild per month (catalog size, planning time, DDL on guild creation) for a
// gain the rewrite already gives.

export interface GuildRows {
  guildId: string;
  /** Rows of this guild in the partition. */
  total: number;
  /** Of which older than the guild's cutoff. */
  expired: number;
}

export type PartitionAction =
  | { kind: 'keep' }
  | { kind: 'drop' }
  | { kind: 'rewrite'; kept: number; expired: number }
  | { kind: 'delete'; kept: number; expired: number };

export function planPartition(rows: GuildRows[]): PartitionAction {
  const expired = rows.reduce((n, r) => n + r.expired, 0);
  const total = rows.reduce((n, r) => n + r.total, 0);
  if (expired === 0) return { kind: 'keep' };
  if (expired === total) return { kind: 'drop' };
  const kept = total - expired;
  return kept < expired ? { kind: 'rewrite', kept, expired } : { kind: 'delete', kept, expired };
}
