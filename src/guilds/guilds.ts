// Guild registry: a guild exists once Cairn has seen it (demo, import, or its first event).
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { guilds } from '../db/schema.ts';

export interface GuildSummary {
  id: string;
  name: string;
  isDemo: boolean;
  timezone: string;
  configVersion: number;
}

export async function ensureGuilds(exec: Executor, ids: string[], nameFor = (id: string) => `Guild ${id}`): Promise<void> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return;
  await exec
    .insert(guilds)
    .values(unique.map((id) => ({ id, name: nameFor(id) })))
    .onConflictDoNothing();
}

export async function listGuilds(exec: Executor, ids?: string[]): Promise<GuildSummary[]> {
  const query = exec
    .select({
      id: guilds.id,
      name: guilds.name,
      isDemo: guilds.isDemo,
      timezone: guilds.timezone,
      configVersion: guilds.configVersion,
    })
    .from(guilds);
  const rows = ids ? await query.where(inArray(guilds.id, ids)).orderBy(guilds.createdAt) : await query.orderBy(guilds.createdAt);
  return rows;
}

/** Registers guild ids on first sight, remembering which are known so the hot path skips the write. */
export class GuildRegistry {
  readonly #known = new Set<string>();

  async ensure(exec: Executor, ids: string[]): Promise<void> {
    const unknown = ids.filter((id) => !this.#known.has(id));
    if (unknown.length === 0) return;
    await ensureGuilds(exec, unknown);
    // Remembered only after commit by the caller's success; a rolled-back insert is retried next time.
  }

  remember(ids: string[]): void {
    for (const id of ids) this.#known.add(id);
  }

  forget(id: string): void {
    this.#known.delete(id);
  }
}
