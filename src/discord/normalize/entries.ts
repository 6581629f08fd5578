// Lists inside a gateway payload (GUILD_CREATE's channels and roles): each entry parsed on its own,
// so one malformed entry is reported and skipped while the rest are kept.
import { z } from 'zod';
import { Snowflake } from './gateway-schemas.ts';

export type EntryParse<R> = { ok: true; record: R } | { ok: true; record: null; skipped: string } | { ok: false; problems: string[] };

export interface EntryList<R> {
  records: R[];
  problems: string[];
  /**
   * Ids of every entry that carried one, kept or not: what still exists in the guild. A listed
   * entry Cairn could not read is not taken for deleted.
   */
  presentIds: string[];
}

const WithId = z.object({ id: Snowflake });

/** The entries of `data[field]`, or undefined when the payload has no such list (nothing can be said about what exists). */
export function parseEntries<R>(data: unknown, field: string, parse: (raw: unknown) => EntryParse<R>): EntryList<R> | undefined {
  const list = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) return { records: [], problems: [`${field}: must be an array`], presentIds: [] };
  const byId = new Map<string, R>();
  const problems: string[] = [];
  const presentIds = new Set<string>();
  list.forEach((raw, i) => {
    const id = WithId.safeParse(raw);
    if (id.success) presentIds.add(id.data.id);
    const parsed = parse(raw);
    if (!parsed.ok) problems.push(...parsed.problems.map((p) => `${field}.${i}.${p}`));
    // Keyed by id: a payload listing one id twice must not write one row twice in a statement.
    else if (parsed.record && id.success) byId.set(id.data.id, parsed.record);
  });
  return { records: [...byId.values()], problems, presentIds: [...presentIds] };
}
