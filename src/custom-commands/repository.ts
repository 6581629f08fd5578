// Reading and saving a guild's custom commands. Saving validates the document, refuses a name
// Cairn's own commands use, checks the template's placeholders against the options and the guild's
// currencies, and writes an audit entry; the table's trigger tells every process (NOTIFY).
import { isDeepStrictEqual } from 'node:util';
import { and, count, eq } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import type { Executor } from '../db/client.ts';
import { customCommands, guilds } from '../db/schema.ts';
import { ensureGuilds } from '../guilds/guilds.ts';
import { isModuleEnabled } from '../guilds/modules.ts';
import { COMMANDS } from '../discord/commands/registry.ts';
import { formatPath } from '../rules/compiler.ts';
import { loadCurrencies, lockGuildConfig, type Problem } from '../rules/repository.ts';
import { CustomCommandSchema, type CustomCommand } from './schema.ts';
import { loadCommands } from './load.ts';

export { loadCommands };
import { checkTemplate } from './template.ts';

/** Discord registers at most 100 slash commands per guild, Cairn's own included. */
export const MAX_GUILD_COMMANDS = 100;

/** The names of Cairn's built-in commands: a custom command may not take one. */
export function builtInCommandNames(): ReadonlySet<string> {
  return new Set(COMMANDS.map((c) => c.data.name));
}

export type CommandSaveResult =
  | { ok: true; value: { command: CustomCommand; created: boolean; changed: boolean } }
  /** `conflict`: the name is taken by a built-in, or the guild has no room left; otherwise invalid. */
  | { ok: false; conflict: boolean; problems: Problem[] };

export function parseCommand(document: unknown): { ok: true; command: CustomCommand } | { ok: false; problems: Problem[] } {
  const parsed = CustomCommandSchema.safeParse(document);
  if (parsed.success) return { ok: true, command: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
}

/** The guild's commands, each with whether its module is on (a disabled module's are not registered). */
export async function listCommands(exec: Executor, guildId: string): Promise<(CustomCommand & { module_enabled: boolean })[]> {
  const [guild] = await exec.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
  return (await loadCommands(exec, guildId)).map((c) => ({ ...c, module_enabled: isModuleEnabled(guild?.settings ?? {}, c.module) }));
}

/** Creates or updates (by name) a command; an unchanged document writes nothing. Call it in a transaction. */
export async function saveCommand(exec: Executor, guildId: string, document: unknown, actor: string): Promise<CommandSaveResult> {
  const parsed = parseCommand(document);
  if (!parsed.ok) return { ok: false, conflict: false, problems: parsed.problems };
  const command = parsed.command;
  if (builtInCommandNames().has(command.name)) {
    return { ok: false, conflict: true, problems: [{ path: 'name', message: `/${command.name} is one of Cairn's built-in commands; choose another name` }] };
  }
  await ensureGuilds(exec, [guildId]);
  await lockGuildConfig(exec, guildId);
  const currencies = new Set((await loadCurrencies(exec, guildId)).map((c) => c.key));
  const template = checkTemplate(command, currencies);
  if (template.length > 0) return { ok: false, conflict: false, problems: template };
  const stored = command as unknown as Record<string, unknown>;
  const [existing] = await exec.select().from(customCommands).where(and(eq(customCommands.guildId, guildId), eq(customCommands.name, command.name)));
  if (existing && isDeepStrictEqual(existing.document, stored)) return { ok: true, value: { command, created: false, changed: false } };
  if (!existing) {
    const [held] = await exec.select({ n: count() }).from(customCommands).where(eq(customCommands.guildId, guildId));
    const room = MAX_GUILD_COMMANDS - builtInCommandNames().size;
    if ((held?.n ?? 0) >= room) return { ok: false, conflict: true, problems: [{ path: 'name', message: `the guild already has ${room} custom commands, the most Discord allows next to Cairn's own` }] };
  }
  if (existing) await exec.update(customCommands).set({ document: stored, module: command.module, updatedAt: new Date() }).where(eq(customCommands.id, existing.id));
  else await exec.insert(customCommands).values({ guildId, name: command.name, module: command.module, document: stored });
  await audit(exec, { guildId, actor, action: existing ? 'command.update' : 'command.create', entityType: 'command', entityKey: command.name, before: existing?.document ?? null, after: stored });
  return { ok: true, value: { command, created: !existing, changed: true } };
}

export async function deleteCommand(exec: Executor, guildId: string, name: string, actor: string): Promise<boolean> {
  const [removed] = await exec.delete(customCommands).where(and(eq(customCommands.guildId, guildId), eq(customCommands.name, name))).returning();
  if (!removed) return false;
  await audit(exec, { guildId, actor, action: 'command.delete', entityType: 'command', entityKey: name, before: removed.document, after: null });
  return true;
}
