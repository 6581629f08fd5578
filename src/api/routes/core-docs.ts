// OpenAPI entries of the routes whose modules predate the registry (health, metrics, guilds,
// events, dry run, leaderboard, schemas, auth).
import { z } from 'zod';
import type { RouteDoc } from '../openapi.ts';
import { DryRunOut, GuildOut, LoginOut, MeOut } from '../responses.ts';

const FieldErrorDoc = z.object({ path: z.string(), message: z.string() });
const IngestResult = z
  .object({
    accepted: z.number(),
    duplicate: z.number(),
    ignored: z.number().optional().meta({ description: 'valid events of types the guild does not capture (settings.capture); absent when none' }),
    rejected: z.array(z.object({ index: z.number(), errors: z.array(FieldErrorDoc) })),
    events: z
      .array(
        z.object({
          index: z.number(),
          source_id: z.string().optional(),
          status: z.enum(['accepted', 'duplicate', 'ignored', 'rejected', 'pending']),
          errors: z.array(FieldErrorDoc).optional(),
          reason: z.string().optional(),
        }),
      )
      .meta({ description: 'every event of the request, in order, with what became of it; the accepted ones were committed in one transaction' }),
  })
  .meta({ id: 'IngestResult' });
const LakeEventDoc = z
  .object({
    source_id: z.string(), type: z.string(), guild_id: z.string(), actor_id: z.string(), target_id: z.string().nullable().optional(), channel_id: z.string().nullable().optional(),
    occurred_at: z.string().meta({ description: 'ISO 8601 with a time zone' }), data: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'LakeEvent', description: 'Ids are decimal strings (snowflakes exceed 2^53), never numbers.' });

export const coreDocs: RouteDoc[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness: database and Discord connection, loaded rules version per guild', tag: 'operations', public: true, response: z.object({ status: z.enum(['ok', 'degraded']), db: z.string(), discord: z.enum(['disabled', 'connecting', 'ready']), roles: z.array(z.enum(['bot', 'api', 'jobs'])), shards: z.array(z.object({ id: z.number(), status: z.enum(['connecting', 'ready', 'reconnecting', 'disconnected']), ping: z.number().nullable(), lastEventAt: z.string().nullable(), events: z.number() })).optional(), guildsLoaded: z.number(), failingGuilds: z.number().optional(), reasons: z.array(z.string()).optional() }) },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text)', tag: 'operations', public: true },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', tag: 'operations' },
  { method: 'get', path: '/api/guilds', summary: 'The guilds the caller may manage', tag: 'guilds', response: z.array(GuildOut) },
  { method: 'post', path: '/api/guilds/{guildId}/events', summary: 'Ingest one LakeEvent or an array (idempotent on source_id), all of it in one transaction; events older than the retention window are refused', tag: 'events', body: z.union([LakeEventDoc, z.array(LakeEventDoc)]), response: IngestResult, statuses: [413, 415] },
  { method: 'post', path: '/api/guilds/{guildId}/dry-run', summary: 'What the rules would do with an event: the full trace, nothing written', tag: 'rules', body: z.object({ event: LakeEventDoc, rules: z.array(z.record(z.string(), z.unknown())).optional(), only: z.boolean().optional(), content: z.string().max(4000).optional() }), response: DryRunOut },
  { method: 'get', path: '/api/schemas', summary: 'Names of the JSON Schemas served', tag: 'schemas', response: z.array(z.string()) },
  { method: 'get', path: '/api/schemas/{name}', summary: 'JSON Schema of a document (rule, milestone, zone, currency, shop-item, recipe)', tag: 'schemas', statuses: [404] },
  { method: 'get', path: '/api/auth/config', summary: 'Login methods available (token; discord when configured)', tag: 'auth', public: true, response: z.object({ methods: z.array(z.enum(['discord', 'token'])) }) },
  { method: 'post', path: '/api/auth/login', summary: 'Log in with a token; sets the session cookie and returns the CSRF token', tag: 'auth', public: true, body: z.object({ token: z.string() }), response: LoginOut, statuses: [429] },
  { method: 'get', path: '/api/auth/me', summary: 'Who is logged in, and the CSRF token for changes', tag: 'auth', response: MeOut },
  { method: 'post', path: '/api/auth/logout', summary: 'End the session (a cookie session; needs X-CSRF-Token)', tag: 'auth', response: z.object({ ok: z.literal(true) }) },
  { method: 'get', path: '/api/auth/discord/login', summary: 'Start Discord OAuth2 login (redirect)', tag: 'auth', public: true, statuses: [302, 404, 429] },
  { method: 'get', path: '/api/auth/discord/callback', summary: 'Discord OAuth2 callback: sets the session and returns to the panel', tag: 'auth', public: true, statuses: [302, 429] },
];
