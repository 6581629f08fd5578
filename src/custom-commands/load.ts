// A guild's custom commands as the configuration holds them (read with the rest of its
// configuration, so a reload brings them with it).
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { customCommands } from '../db/schema.ts';
import { CustomCommandSchema, type CustomCommand } from './schema.ts';

/** Stored documents, parsed, by name; one that no longer parses is left out (never registered). */
export async function loadCommands(exec: Executor, guildId: string): Promise<CustomCommand[]> {
  const rows = await exec.select({ document: customCommands.document }).from(customCommands).where(eq(customCommands.guildId, guildId)).orderBy(asc(customCommands.name));
  return rows.flatMap((r) => {
    const parsed = CustomCommandSchema.safeParse(r.document);
    return parsed.success ? [parsed.data] : [];
  });
}
