// /api/guilds/:guildId/names — the names behind ids the panel shows (members, channels, roles), from
// the directory Cairn stores (members, guild_channels, guild_roles), so names show while the bot is
// offline. GET takes comma-separated ids in the query, POST the same lists as a JSON body.
// Unknown ids are left out of the answer: the panel then shows a shortened id.
import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client.ts';
import { bigintArray } from '../../db/sql.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { guildOf } from './helpers.ts';

/** Most ids of one kind per request (a page of the panel shows far fewer). */
export const MAX_NAME_IDS = 500;

const IdList = z.array(Snowflake).max(MAX_NAME_IDS, { message: `at most ${MAX_NAME_IDS} ids per kind` }).default([]);
export const NamesRequest = z.object({ members: IdList, channels: IdList, roles: IdList }).strict();

/** "1,2,3" → ["1","2","3"]; the split is bounded so a huge query costs no more than the limit. */
const commaList = z
  .string()
  .max(MAX_NAME_IDS * 21)
  .transform((s) => (s === '' ? [] : s.split(',', MAX_NAME_IDS + 1)))
  .optional();
const NamesQuery = z.object({ members: commaList, channels: commaList, roles: commaList });
const KINDS = ['members', 'channels', 'roles'];

const CHANNEL_KINDS: Record<number, string> = { 0: 'text', 2: 'voice', 4: 'category', 5: 'announcement', 13: 'stage', 15: 'forum', 16: 'media' };

export const NamesOut = z
  .object({
    members: z.record(
      z.string(),
      z.object({
        displayName: z.string().nullable(),
        username: z.string().nullable(),
        avatarUrl: z.string().nullable(),
        left: z.boolean().meta({ description: 'the member left the guild' }),
      }),
    ),
    channels: z.record(
      z.string(),
      z.object({
        name: z.string(),
        kind: z.string().meta({ description: 'text, voice, category, announcement, stage, forum, media or unknown' }),
        parentId: z.string().nullable(),
        parentName: z.string().nullable(),
        deleted: z.boolean(),
      }),
    ),
    roles: z.record(z.string(), z.object({ name: z.string(), color: z.number().meta({ description: 'RGB integer; 0 is no colour' }), deleted: z.boolean() })),
  })
  .meta({ id: 'GuildNames' });
export type NamesOut = z.output<typeof NamesOut>;
export type NamesRequest = z.output<typeof NamesRequest>;

const P = '/api/guilds/{guildId}/names';
export const nameDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'Names of members, channels and roles by id (comma-separated, at most 500 of each); unknown ids are left out', tag: 'guilds', query: NamesQuery, response: NamesOut, statuses: [422] },
  { method: 'post', path: P, summary: 'The same lookup with the ids in a JSON body', tag: 'guilds', body: NamesRequest, response: NamesOut, statuses: [422] },
];

/** Looks up the names of one guild's ids; an id of another guild is never resolved. */
export async function lookupNames(db: Db, guildId: string, ids: NamesRequest): Promise<NamesOut> {
  const out: NamesOut = { members: {}, channels: {}, roles: {} };
  const unique = (list: string[]) => [...new Set(list)];
  if (ids.members.length > 0) {
    const rows = await queryRows<{ id: string; display_name: string | null; username: string | null; avatar_url: string | null; left: boolean }>(
      db,
      sql`SELECT user_id::text AS id, display_name, username, avatar_url, left_at IS NOT NULL AS left FROM members
          WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(unique(ids.members))})`,
    );
    for (const r of rows) out.members[r.id] = { displayName: r.display_name, username: r.username, avatarUrl: r.avatar_url, left: Boolean(r.left) };
  }
  if (ids.channels.length > 0) {
    const rows = await queryRows<{ id: string; name: string; type: number; parent_id: string | null; parent_name: string | null; deleted: boolean }>(
      db,
      sql`SELECT c.channel_id::text AS id, c.name, c.type, c.parent_id::text AS parent_id, p.name AS parent_name, c.deleted_at IS NOT NULL AS deleted
          FROM guild_channels c LEFT JOIN guild_channels p ON p.guild_id = c.guild_id AND p.channel_id = c.parent_id
          WHERE c.guild_id = ${guildId} AND c.channel_id = ANY(${bigintArray(unique(ids.channels))})`,
    );
    for (const r of rows) out.channels[r.id] = { name: r.name, kind: CHANNEL_KINDS[Number(r.type)] ?? 'unknown', parentId: r.parent_id, parentName: r.parent_name, deleted: Boolean(r.deleted) };
  }
  if (ids.roles.length > 0) {
    const rows = await queryRows<{ id: string; name: string; color: number; deleted: boolean }>(
      db,
      sql`SELECT role_id::text AS id, name, color, deleted_at IS NOT NULL AS deleted FROM guild_roles
          WHERE guild_id = ${guildId} AND role_id = ANY(${bigintArray(unique(ids.roles))})`,
    );
    for (const r of rows) out.roles[r.id] = { name: r.name, color: Number(r.color), deleted: Boolean(r.deleted) };
  }
  return out;
}

async function answer(c: Context<AppEnv>, ids: NamesRequest) {
  return c.json((await lookupNames(c.get('services').database.db, guildOf(c), ids)) satisfies NamesOut);
}

export function nameRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      // The query's lists go through the body's schema, so both ways report the same paths (members[3]).
      const query = c.req.query();
      const unknown = Object.keys(query).filter((k) => !KINDS.includes(k));
      if (unknown.length > 0) throw new ApiError('validation_failed', 'the query is invalid', unknown.map((path) => ({ path, message: 'is not one of members, channels, roles' })));
      const lists = parseWith(NamesQuery, query, 'query');
      return answer(c, parseWith(NamesRequest, lists, 'query'));
    })
    .post('/', async (c) => answer(c, parseWith(NamesRequest, await readJson(c))));
}
