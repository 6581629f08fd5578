// GET /api/guilds/:guildId/directory — the channels, categories and roles the panel offers in its
// pickers. From the directory the bot keeps from the gateway (guild_channels, guild_roles: names
// that survive restarts) whenever it has rows; else live from the bot's discord.js cache; else
// inferred from what Cairn stored: channels seen in events, voice sessions, zones and settings, and
// roles seen on members or named in settings and shop items (ids only, no names).
import type { Guild, Role } from 'discord.js';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client.ts';
import { ApiError } from '../errors.ts';
import { parseWith } from '../validate.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { guildOf } from './helpers.ts';

/** Most entries returned per list (Discord allows 500 channels and 250 roles per guild). */
const MAX_ENTRIES = 1000;

const ChannelKind = z.enum(['text', 'voice', 'announcement', 'stage', 'forum', 'media', 'unknown']);
type ChannelKind = z.infer<typeof ChannelKind>;

const Deleted = z.boolean().meta({ description: 'deleted on Discord (listed only with ?deleted=include; its last name kept)' });

export const DirectoryQuery = z.object({
  deleted: z.enum(['exclude', 'include']).default('exclude').meta({ description: 'include: also list deleted channels and roles, flagged, for showing names in history' }),
});

export const Directory = z
  .object({
    guildId: z.string(),
    source: z.enum(['directory', 'discord', 'stored']).meta({
      description: "directory: names the bot recorded from Discord (kept while it is offline); discord: the bot's live cache; stored: ids inferred from Cairn's data (names are then null)",
    }),
    categories: z.array(z.object({ id: z.string(), name: z.string().nullable(), position: z.number().nullable(), deleted: Deleted })),
    channels: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        kind: ChannelKind.meta({ description: 'guessed from the events seen in it when the source is stored' }),
        parentId: z.string().nullable().meta({ description: 'its category' }),
        position: z.number().nullable(),
        deleted: Deleted,
      }),
    ),
    roles: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        color: z.number().nullable(),
        position: z.number().nullable(),
        managed: z.boolean().nullable().meta({ description: 'owned by an integration or bot: Discord does not let Cairn give it' }),
        everyone: z.boolean().meta({ description: 'the @everyone role (its id is the guild id)' }),
        memberCount: z.number().meta({ description: 'members holding it, from Cairn’s members table' }),
        deleted: Deleted,
      }),
    ),
  })
  .meta({ id: 'GuildDirectory' });
export type Directory = z.infer<typeof Directory>;

export const directoryDocs: RouteDoc[] = [
  { method: 'get', path: '/api/guilds/{guildId}/directory', summary: 'Channels, categories and roles for pickers: as the bot recorded them from Discord, else live from Discord, else inferred from stored data', tag: 'guilds', query: DirectoryQuery, response: Directory, statuses: [404] },
];

// Discord's channel types (discord.js is not loaded unless the bot runs).
const CATEGORY = 4;
const KIND_BY_TYPE: Record<number, ChannelKind> = { 0: 'text', 2: 'voice', 5: 'announcement', 13: 'stage', 15: 'forum', 16: 'media' };

async function roleMemberCounts(db: Db, guildId: string): Promise<Map<string, number>> {
  const rows = await queryRows<{ id: string; n: number }>(
    db,
    sql`SELECT r AS id, count(*)::int AS n FROM members m, unnest(m.roles) AS r
        WHERE m.guild_id = ${guildId} AND m.left_at IS NULL GROUP BY r`,
  );
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

function fromDiscord(guild: Guild, counts: Map<string, number>): Directory {
  const categories: Directory['categories'] = [];
  const channels: Directory['channels'] = [];
  for (const channel of guild.channels.cache.values()) {
    if (channel.isThread()) continue;
    if (channel.type === CATEGORY) categories.push({ id: channel.id, name: channel.name, position: channel.rawPosition, deleted: false });
    else channels.push({ id: channel.id, name: channel.name, kind: KIND_BY_TYPE[channel.type] ?? 'unknown', parentId: channel.parentId, position: channel.rawPosition, deleted: false });
  }
  const roles = [...guild.roles.cache.values()].map((role) => ({
    id: role.id,
    name: role.name,
    // `colors` is only set when the payload carried it (newer API versions); `color` otherwise.
    color: (role.colors as Role['colors'] | undefined)?.primaryColor ?? role.color,
    position: role.rawPosition,
    managed: role.managed,
    everyone: role.id === guild.id,
    memberCount: counts.get(role.id) ?? 0,
    deleted: false,
  }));
  return sorted({ guildId: guild.id, source: 'discord', categories, channels, roles });
}

type Positioned = { position: number | null; id: string; deleted: boolean };
// Live entries first (a deleted one is only listed for its name), then by position.
const byPosition = (a: Positioned, b: Positioned) => Number(a.deleted) - Number(b.deleted) || (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : 1);

/** Channels and categories by position, roles from the highest; each list capped. */
function sorted(directory: Directory): Directory {
  directory.categories.sort(byPosition);
  directory.channels.sort(byPosition);
  directory.roles.sort((a, b) => Number(a.deleted) - Number(b.deleted) || byPosition(b, a));
  return { ...directory, categories: directory.categories.slice(0, MAX_ENTRIES), channels: directory.channels.slice(0, MAX_ENTRIES), roles: directory.roles.slice(0, MAX_ENTRIES) };
}

/** The directory the bot keeps from the gateway, or undefined when it holds nothing for the guild yet. */
async function fromDirectory(db: Db, guildId: string, counts: Map<string, number>, includeDeleted: boolean): Promise<Directory | undefined> {
  const channelRows = await queryRows<{ id: string; name: string; type: number; parent_id: string | null; position: number; deleted: boolean }>(
    db,
    sql`SELECT channel_id::text AS id, name, type, parent_id::text AS parent_id, position, deleted_at IS NOT NULL AS deleted
        FROM guild_channels WHERE guild_id = ${guildId}`,
  );
  const roleRows = await queryRows<{ id: string; name: string; color: number; position: number; managed: boolean; deleted: boolean }>(
    db,
    sql`SELECT role_id::text AS id, name, color, position, managed, deleted_at IS NOT NULL AS deleted FROM guild_roles WHERE guild_id = ${guildId}`,
  );
  if (channelRows.length === 0 && roleRows.length === 0) return undefined;
  const shown = <T extends { deleted: boolean }>(rows: T[]) => (includeDeleted ? rows : rows.filter((r) => !r.deleted));
  const categories: Directory['categories'] = [];
  const channels: Directory['channels'] = [];
  for (const c of shown(channelRows)) {
    const position = Number(c.position);
    if (Number(c.type) === CATEGORY) categories.push({ id: c.id, name: c.name, position, deleted: c.deleted });
    else channels.push({ id: c.id, name: c.name, kind: KIND_BY_TYPE[Number(c.type)] ?? 'unknown', parentId: c.parent_id, position, deleted: c.deleted });
  }
  const roles = shown(roleRows).map((r) => ({
    id: r.id,
    name: r.name,
    color: Number(r.color),
    position: Number(r.position),
    managed: r.managed,
    everyone: r.id === guildId,
    memberCount: counts.get(r.id) ?? 0,
    deleted: r.deleted,
  }));
  return sorted({ guildId, source: 'directory', categories, channels, roles });
}

const ids = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && /^[0-9]{1,20}$/.test(v));

async function fromStored(db: Db, guildId: string, settings: Record<string, unknown>, counts: Map<string, number>): Promise<Directory> {
  // Channels with the kinds of events seen in them, busiest first.
  const seen = await queryRows<{ id: string; types: string[]; n: string | number }>(
    db,
    sql`SELECT channel_id::text AS id, array_agg(DISTINCT event_type) AS types, sum(count)::text AS n FROM event_counters_total
        WHERE guild_id = ${guildId} AND channel_id <> 0 GROUP BY channel_id ORDER BY sum(count) DESC, channel_id LIMIT ${MAX_ENTRIES}`,
  );
  const voice = await queryRows<{ id: string }>(db, sql`SELECT DISTINCT channel_id::text AS id FROM voice_sessions WHERE guild_id = ${guildId}`);
  const zoned = await queryRows<{ id: string }>(db, sql`SELECT DISTINCT unnest(channel_ids) AS id FROM zones WHERE guild_id = ${guildId}`);
  const kinds = new Map<string, ChannelKind>();
  const note = (id: string, kind: ChannelKind) => {
    const known = kinds.get(id);
    if (!known || known === 'unknown') kinds.set(id, kind);
  };
  for (const row of seen) {
    const voiceTypes = row.types.some((t) => t.startsWith('voice_') || t === 'scheduled_event_attend');
    const textTypes = row.types.some((t) => t.startsWith('message_') || t.startsWith('reaction_') || t === 'thread_create');
    note(row.id, voiceTypes && !textTypes ? 'voice' : textTypes && !voiceTypes ? 'text' : 'unknown');
  }
  for (const row of voice) note(row.id, 'voice');
  for (const id of ids(settings.voice_excluded_channels)) note(id, 'voice');
  for (const id of [...zoned.map((r) => r.id), ...ids(settings.announce_channel_id), ...ids((settings.leaderboard_post as { channel_id?: unknown } | null)?.channel_id)]) note(id, 'unknown');

  const roleIds = new Set(counts.keys());
  for (const id of ids(settings.admin_role_ids)) roleIds.add(id);
  const shopRoles = await queryRows<{ id: string }>(db, sql`SELECT DISTINCT document->>'required_role' AS id FROM shop_items WHERE guild_id = ${guildId} AND document->>'required_role' IS NOT NULL`);
  for (const id of ids(shopRoles.map((r) => r.id))) roleIds.add(id);
  const roles = [...roleIds]
    .map((id) => ({ id, name: null, color: null, position: null, managed: null, everyone: id === guildId, memberCount: counts.get(id) ?? 0, deleted: false }))
    .sort((a, b) => b.memberCount - a.memberCount || (a.id < b.id ? -1 : 1));
  return {
    guildId,
    source: 'stored',
    categories: [],
    channels: [...kinds].slice(0, MAX_ENTRIES).map(([id, kind]) => ({ id, name: null, kind, parentId: null, position: null, deleted: false })),
    roles: roles.slice(0, MAX_ENTRIES),
  };
}

export function directoryRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const services = c.get('services');
    const { db } = services.database;
    const guildId = guildOf(c);
    const query = parseWith(DirectoryQuery, c.req.query(), 'query');
    const [guild] = await queryRows<{ settings: Record<string, unknown> }>(db, sql`SELECT settings FROM guilds WHERE id = ${guildId}`);
    if (!guild) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    const counts = await roleMemberCounts(db, guildId);
    const recorded = await fromDirectory(db, guildId, counts, query.deleted === 'include');
    if (recorded) return c.json(recorded satisfies Directory);
    const live = services.discord?.status() === 'ready' ? services.discord.client.guilds.cache.get(guildId) : undefined;
    if (live?.available) return c.json(fromDiscord(live, counts) satisfies Directory);
    return c.json((await fromStored(db, guildId, guild.settings ?? {}, counts)) satisfies Directory);
  });
}
