// A guild's name and icon from GUILD_CREATE and GUILD_UPDATE. The name is cleaned rather than
// refused: the guild row must exist for everything else Cairn stores about the guild.
import { z } from 'zod';
import { guildIconUrl } from './cdn.ts';
import { Snowflake } from './gateway-schemas.ts';
import { storableName } from './names.ts';
import { parsePayload } from './result.ts';

export interface GuildRecord {
  guildId: string;
  name: string;
  /** Full CDN URL; null when the guild has no icon; undefined when the payload did not say. */
  iconUrl: string | null | undefined;
}

const GatewayGuild = z.object({
  id: Snowflake,
  name: z.string(),
  icon: z.unknown().optional(),
});

export function parseGuild(data: unknown): { ok: true; record: GuildRecord } | { ok: false; problems: string[] } {
  const parsed = parsePayload(GatewayGuild, data);
  if (!parsed.ok) return parsed;
  const g = parsed.value;
  const name = storableName(g.name);
  if (!name) return { ok: false, problems: ['name: must not be empty'] };
  const iconUrl = g.icon === undefined ? undefined : guildIconUrl(g.id, g.icon);
  return { ok: true, record: { guildId: g.id, name, iconUrl } };
}
