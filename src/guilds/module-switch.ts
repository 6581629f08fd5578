// A guild's modules as the panel, the API and /config see them (name, rule counts, the commands they
// own, on or off), and the one action that switches a module: a change of settings.disabled_modules.
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { customCommands, guilds } from '../db/schema.ts';
import { disabledModules } from './modules.ts';
import { changeSettings, type SettingsChange } from './settings.ts';

/** A command a module owns (custom commands carry `module`; Cairn's built-in ones are core). */
export interface ModuleCommand {
  name: string;
  module: string;
}

export interface ModuleInfo {
  name: string;
  enabled: boolean;
  /** Rules in the module, and how many of them are enabled (they run while the module is on). */
  rules: number;
  enabledRules: number;
  /** Slash commands the module owns: not registered while it is off. */
  commands: string[];
}

/**
 * The guild's modules: every module a rule or a command names (the built-ins given that have one,
 * and the guild's custom commands), plus any switched off (so it can be switched back on), sorted by
 * name. Null for a guild Cairn does not know.
 */
export async function listModules(exec: Executor, guildId: string, commands: readonly ModuleCommand[] = []): Promise<ModuleInfo[] | null> {
  const [guild] = await exec.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
  if (!guild) return null;
  const off = disabledModules(guild.settings);
  const counts = await queryRows<{ module: string; rules: number; enabled: number }>(
    exec,
    sql`SELECT coalesce(document->>'module', 'general') AS module, count(*)::int AS rules, (count(*) FILTER (WHERE enabled))::int AS enabled
        FROM rules WHERE guild_id = ${guildId} GROUP BY 1`,
  );
  const byName = new Map<string, ModuleInfo>();
  const entry = (name: string) => {
    let m = byName.get(name);
    if (!m) byName.set(name, (m = { name, enabled: !off.has(name), rules: 0, enabledRules: 0, commands: [] }));
    return m;
  };
  for (const c of counts) Object.assign(entry(c.module), { rules: c.rules, enabledRules: c.enabled });
  const custom = await exec.select({ name: customCommands.name, module: customCommands.module }).from(customCommands).where(eq(customCommands.guildId, guildId));
  for (const c of [...commands, ...custom]) entry(c.module).commands.push(c.name);
  for (const name of off) entry(name);
  for (const m of byName.values()) m.commands.sort();
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type ModuleChange = { ok: true; module: ModuleInfo; changed: boolean } | { ok: false; code: 'unknown_module' } | Exclude<SettingsChange, { ok: true }>;

/**
 * Switches one module on or off: one settings change (audit-logged as guild.settings, in force on
 * every process through the settings NOTIFY). Switching it to the state it is in writes nothing.
 */
export async function setModuleEnabled(
  exec: Executor,
  guildId: string,
  name: string,
  enabled: boolean,
  actor: string,
  commands: readonly ModuleCommand[] = [],
): Promise<ModuleChange> {
  return exec.transaction(async (tx) => {
    // Locked first, so two switches of different modules never overwrite each other's list.
    const [guild] = await tx.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId)).for('update');
    if (!guild) return { ok: false, code: 'not_found' } as const;
    const modules = (await listModules(tx, guildId, commands)) ?? [];
    const current = modules.find((m) => m.name === name);
    if (!current) return { ok: false, code: 'unknown_module' } as const;
    if (current.enabled === enabled) return { ok: true, module: current, changed: false } as const;
    const off = new Set(disabledModules(guild.settings));
    if (enabled) off.delete(name);
    else off.add(name);
    const result = await changeSettings(tx, guildId, { disabled_modules: [...off].sort() }, actor);
    if (!result.ok) return result;
    return { ok: true, module: { ...current, enabled }, changed: true } as const;
  });
}
