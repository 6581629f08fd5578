// Channels and categories for the directory: GUILD_CREATE's list and CHANNEL_CREATE / UPDATE /
// DELETE. Threads are not part of the directory, and DM channels have no guild.
import { z } from 'zod';
import { parseEntries, type EntryList, type EntryParse } from './entries.ts';
import { Snowflake } from './gateway-schemas.ts';
import { DirectoryName, Position } from './names.ts';
import { parsePayload } from './result.ts';

export interface ChannelRecord {
  guildId: string;
  channelId: string;
  name: string;
  /** Discord's channel type (0 text, 2 voice, 4 category, 5 announcement, 13 stage, 15 forum, 16 media). */
  type: number;
  parentId: string | null;
  position: number;
}

/** Announcement, public and private threads. */
const THREAD_TYPES = new Set([10, 11, 12]);

const GatewayChannel = z.object({
  id: Snowflake,
  type: z.number().int().min(0).max(255),
  name: DirectoryName,
  parent_id: Snowflake.nullable().optional(),
  position: Position,
});

const typeOf = (raw: unknown) => (typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined);
const guildOf = (raw: unknown) => (typeof raw === 'object' && raw !== null ? (raw as { guild_id?: unknown }).guild_id : undefined);

/** One channel of a guild (its guild given: GUILD_CREATE's channels carry no guild_id). */
export function parseChannel(guildId: string, raw: unknown): EntryParse<ChannelRecord> {
  const type = typeOf(raw);
  if (typeof type === 'number' && THREAD_TYPES.has(type)) return { ok: true, record: null, skipped: 'a thread' };
  const parsed = parsePayload(GatewayChannel, raw);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  return { ok: true, record: { guildId, channelId: c.id, name: c.name, type: c.type, parentId: c.parent_id ?? null, position: c.position } };
}

export function parseChannelList(guildId: string, data: unknown): EntryList<ChannelRecord> | undefined {
  return parseEntries(data, 'channels', (raw) => parseChannel(guildId, raw));
}

/** CHANNEL_CREATE and CHANNEL_UPDATE. */
export function parseChannelEvent(data: unknown): EntryParse<ChannelRecord> {
  const guildId = Snowflake.safeParse(guildOf(data));
  if (!guildId.success) return guildOf(data) === undefined ? { ok: true, record: null, skipped: 'not a guild channel' } : { ok: false, problems: ['guild_id: must be a snowflake'] };
  return parseChannel(guildId.data, data);
}

const ChannelDelete = z.object({ id: Snowflake, guild_id: Snowflake });

/** CHANNEL_DELETE: which channel is gone (its name stays in the directory). */
export function parseChannelDelete(data: unknown): EntryParse<{ guildId: string; channelId: string }> {
  if (guildOf(data) === undefined) return { ok: true, record: null, skipped: 'not a guild channel' };
  const type = typeOf(data);
  if (typeof type === 'number' && THREAD_TYPES.has(type)) return { ok: true, record: null, skipped: 'a thread' };
  const parsed = parsePayload(ChannelDelete, data);
  return parsed.ok ? { ok: true, record: { guildId: parsed.value.guild_id, channelId: parsed.value.id } } : parsed;
}
