// Roles for the directory: GUILD_CREATE's list and GUILD_ROLE_CREATE / UPDATE / DELETE.
import { z } from 'zod';
import { parseEntries, type EntryList, type EntryParse } from './entries.ts';
import { Snowflake } from './gateway-schemas.ts';
import { DirectoryName, Position } from './names.ts';
import { parsePayload } from './result.ts';

export interface RoleRecord {
  guildId: string;
  roleId: string;
  name: string;
  /** RGB as an integer; 0 is "no colour". */
  color: number;
  position: number;
  managed: boolean;
}

const Rgb = z.number().int().min(0).max(0xffffff);

const GatewayRole = z.object({
  id: Snowflake,
  name: DirectoryName,
  color: Rgb.optional(),
  // Newer API versions send `colors` (gradients); its primary colour is the role's colour.
  colors: z.object({ primary_color: Rgb }).optional(),
  position: Position,
  managed: z.boolean().default(false),
});

export function parseRole(guildId: string, raw: unknown): EntryParse<RoleRecord> {
  const parsed = parsePayload(GatewayRole, raw);
  if (!parsed.ok) return parsed;
  const r = parsed.value;
  return { ok: true, record: { guildId, roleId: r.id, name: r.name, color: r.colors?.primary_color ?? r.color ?? 0, position: r.position, managed: r.managed } };
}

export function parseRoleList(guildId: string, data: unknown): EntryList<RoleRecord> | undefined {
  return parseEntries(data, 'roles', (raw) => parseRole(guildId, raw));
}

const RoleEvent = z.object({ guild_id: Snowflake, role: z.unknown() });

/** GUILD_ROLE_CREATE and GUILD_ROLE_UPDATE: `{ guild_id, role }`. */
export function parseRoleEvent(data: unknown): EntryParse<RoleRecord> {
  const parsed = parsePayload(RoleEvent, data);
  if (!parsed.ok) return parsed;
  const role = parseRole(parsed.value.guild_id, parsed.value.role);
  return role.ok ? role : { ok: false, problems: role.problems.map((p) => `role.${p}`) };
}

const RoleDelete = z.object({ guild_id: Snowflake, role_id: Snowflake });

/** GUILD_ROLE_DELETE: which role is gone (its name stays in the directory). */
export function parseRoleDelete(data: unknown): EntryParse<{ guildId: string; roleId: string }> {
  const parsed = parsePayload(RoleDelete, data);
  return parsed.ok ? { ok: true, record: { guildId: parsed.value.guild_id, roleId: parsed.value.role_id } } : parsed;
}
