// /api/guilds/:guildId/{seasons,settings,audit-log,overview,data-sources} — the guild's seasons,
// settings (time zone, announcements, admin roles, retention, data capture, leaderboard posts), the
// audit log of configuration changes (key-by-key diffs, one-click rollback of a rule change), the
// overview dashboard's aggregates, and which event types are captured and kept how long.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { retentionDaysOf } from '../../analytics/retention.ts';
import { audit } from '../../audit/audit.ts';
import { queryRows, type Db } from '../../db/client.ts';
import { auditLog, guilds, seasons } from '../../db/schema.ts';
import { EVENT_TYPES, INTERNAL_EVENT_TYPES, Snowflake } from '../../events/lake-event.ts';
import { LeaderboardPostSchema } from '../../ledger/leaderboard-post.ts';
import { currentSeason, rollSeason } from '../../ledger/seasons.ts';
import { diffValues } from '../../presets/diff.ts';
import { restoreRule, RuleOut, ruleOut } from './rules.ts';
import { AuditEntryOut, DataSourcesOut, OverviewOut, RollOut, SeasonOut, SettingsOut } from '../responses.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson, readOptionalJson } from '../validate.ts';
import { AnalyticsSettings } from './analytics.ts';
import { actorOf, guildOf } from './helpers.ts';

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** The guild's public leaderboard page (/p/<guild>/leaderboard): off unless switched on, as MEE6's. */
export const PublicLeaderboardSettings = z
  .object({
    enabled: z.boolean(),
    currencies: z.array(z.string().min(1).max(32)).max(10).default([]).meta({ description: 'the currencies shown (keys); empty shows none' }),
  })
  .strict()
  .meta({ id: 'PublicLeaderboardSettings' });
export type PublicLeaderboardSettings = z.output<typeof PublicLeaderboardSettings>;

export const GuildSettingsPatch = z
  .object({
    name: z.string().min(1).max(100),
    timezone: z.string().refine(validTimeZone, 'must be an IANA time zone such as Europe/Paris'),
    announce_channel_id: Snowflake.nullable(),
    announce_interval_seconds: z.number().int().min(0).max(3600),
    admin_role_ids: z.array(Snowflake).max(50),
    retention_days: z.number().int().min(7).max(3650),
    capture: z.partialRecord(z.enum(EVENT_TYPES as [string, ...string[]]), z.boolean()),
    voice_excluded_channels: z.array(Snowflake).max(500),
    leaderboard_post: LeaderboardPostSchema.nullable(),
    labels: z.record(z.string().max(48), z.string().max(64)),
    analytics: AnalyticsSettings.nullable(),
    accent_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #5865f2').nullable().meta({ description: 'the colour of rank cards and the public leaderboard' }),
    public_leaderboard: PublicLeaderboardSettings.nullable(),
  })
  .partial()
  .strict()
  .meta({ id: 'GuildSettings' });

const RollBody = z.object({ at: z.iso.datetime({ offset: true }).optional(), name: z.string().min(1).max(100).optional() }).strict();
const AuditQuery = z.object({ entity: z.enum(['rule', 'zone', 'currency', 'milestone', 'shop_item', 'preset', 'season', 'guild', 'member']).optional(), key: z.string().optional(), before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
const OverviewQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
const DataSourcesQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
const AuditId = z.object({ id: z.coerce.number().int().positive('must be a positive audit entry id') });
/** How long a computed overview answers the same question again (it may miss that much activity). */
const OVERVIEW_REUSE_MS = 2000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Field by field even for a creation or a deletion (each field against nothing). */
const keyByKey = (before: unknown, after: unknown) => diffValues(before === null && isObject(after) ? {} : before, after === null && isObject(before) ? {} : after);

const G = '/api/guilds/{guildId}';
export const guildAdminDocs: RouteDoc[] = [
  { method: 'get', path: `${G}/seasons`, summary: 'Seasons, newest first', tag: 'seasons', response: z.array(SeasonOut) },
  { method: 'post', path: `${G}/seasons/roll`, summary: 'Close the current season and open the next (idempotent per boundary)', tag: 'seasons', body: RollBody, response: RollOut },
  { method: 'get', path: `${G}/settings`, summary: 'Guild settings', tag: 'settings', response: SettingsOut, statuses: [404] },
  { method: 'patch', path: `${G}/settings`, summary: 'Change guild settings (merged; null removes a setting)', tag: 'settings', body: GuildSettingsPatch, response: SettingsOut, statuses: [404] },
  { method: 'get', path: `${G}/audit-log`, summary: 'Configuration changes with before/after documents and a key-by-key diff, newest first', tag: 'audit', query: AuditQuery, response: z.array(AuditEntryOut) },
  { method: 'post', path: `${G}/audit-log/{id}/rollback`, summary: 'Undo a rule change: restore the rule as it was before this entry (a new version, audit-logged as rule.rollback)', tag: 'audit', response: RuleOut, statuses: [404, 409] },
  { method: 'get', path: `${G}/overview`, summary: 'Events per day by type, currency minted and spent per day, top earners (an answer is reused for the same question for up to 2 s)', tag: 'analytics', query: OverviewQuery, response: OverviewOut },
  { method: 'get', path: `${G}/data-sources`, summary: 'Which event types are captured (settings.capture), how many arrived in the window, and the lake retention', tag: 'settings', query: DataSourcesQuery, response: DataSourcesOut },
];

export function guildAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/seasons', async (c) => {
    const { db } = c.get('services').database;
    await currentSeason(db, guildOf(c));
    const rows = await db.select().from(seasons).where(eq(seasons.guildId, guildOf(c))).orderBy(desc(seasons.number));
    return c.json(rows.map((s) => ({ id: s.id, number: s.number, name: s.name, startedAt: s.startedAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null, current: s.endedAt === null })));
  });
  app.post('/seasons/roll', async (c) => {
    const body = parseWith(RollBody, (await readOptionalJson(c)) ?? {});
    const services = c.get('services');
    const result = await rollSeason(services.database.db, guildOf(c), { boundary: body.at ? new Date(body.at) : services.clock.now(), ...(body.name ? { name: body.name } : {}) });
    if (result.status === 'rolled') await audit(services.database.db, { guildId: guildOf(c), actor: actorOf(c), action: 'season.roll', entityType: 'season', entityKey: String(result.opened.number), before: { season: result.closed.number }, after: { season: result.opened.number, name: result.opened.name } });
    return c.json(result);
  });

  app.get('/settings', async (c) => {
    const [g] = await c.get('services').database.db.select().from(guilds).where(eq(guilds.id, guildOf(c)));
    if (!g) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    return c.json({ id: g.id, name: g.name, timezone: g.timezone, isDemo: g.isDemo, retention_days: c.get('services').env.CAIRN_RETENTION_DAYS, ...g.settings });
  });
  app.patch('/settings', async (c) => {
    const patch = parseWith(GuildSettingsPatch, await readJson(c));
    const { db } = c.get('services').database;
    const guildId = guildOf(c);
    const updated = await db.transaction(async (tx) => {
      const [g] = await tx.select().from(guilds).where(eq(guilds.id, guildId)).for('update');
      if (!g) throw new ApiError('not_found', 'this guild is unknown to Cairn');
      const { name, timezone, ...rest } = patch;
      const settings: Record<string, unknown> = { ...g.settings, ...rest };
      for (const [k, v] of Object.entries(rest)) if (v === null) delete settings[k];
      const [row] = await tx.update(guilds).set({ settings, ...(name ? { name } : {}), ...(timezone ? { timezone } : {}) }).where(eq(guilds.id, guildId)).returning();
      await audit(tx, { guildId, actor: actorOf(c), action: 'guild.settings', entityType: 'guild', entityKey: guildId, before: { name: g.name, timezone: g.timezone, ...g.settings }, after: { name: row!.name, timezone: row!.timezone, ...row!.settings } });
      return row!;
    });
    return c.json({ id: updated.id, name: updated.name, timezone: updated.timezone, isDemo: updated.isDemo, retention_days: c.get('services').env.CAIRN_RETENTION_DAYS, ...updated.settings });
  });

  app.get('/audit-log', async (c) => {
    const q = parseWith(AuditQuery, c.req.query(), 'query');
    const conditions = [eq(auditLog.guildId, guildOf(c))];
    if (q.entity) conditions.push(eq(auditLog.entityType, q.entity));
    if (q.key) conditions.push(eq(auditLog.entityKey, q.key));
    if (q.before) conditions.push(lt(auditLog.id, q.before));
    const rows = await c.get('services').database.db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(q.limit);
    return c.json(
      rows.map((r) => ({
        id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, entityType: r.entityType, entityKey: r.entityKey, before: r.before, after: r.after,
        diff: keyByKey(r.before ?? null, r.after ?? null),
        revertible: r.entityType === 'rule' && r.entityKey !== null && r.before !== null && typeof r.before === 'object',
      })),
    );
  });
  // One click in the audit log: the rule goes back to its "before" document (a deleted rule comes
  // back). The restore is a new version, so it can itself be undone.
  app.post('/audit-log/:id/rollback', async (c) => {
    const { id } = parseWith(AuditId, { id: c.req.param('id') }, 'URL');
    const guildId = guildOf(c);
    const { db } = c.get('services').database;
    const [entry] = await db.select().from(auditLog).where(and(eq(auditLog.guildId, guildId), eq(auditLog.id, id)));
    if (!entry) throw new ApiError('not_found', `no audit entry ${id} in this guild`);
    if (entry.entityType !== 'rule' || !entry.entityKey) throw new ApiError('conflict', `audit entry ${id} is a ${entry.entityType} change; only rule changes roll back here`);
    if (entry.before === null || typeof entry.before !== 'object') throw new ApiError('conflict', `audit entry ${id} created rule "${entry.entityKey}"; there is no earlier version (delete the rule instead)`);
    const restored = await restoreRule(db, guildId, entry.before, actorOf(c), `the state before audit #${id}`);
    return c.json(await ruleOut(db, guildId, restored.key));
  });

  // Identical overview requests share one computation, and its answer serves the same question for
  // OVERVIEW_REUSE_MS after it is ready (several admins, a reload, a dashboard refreshing): the
  // ledger scan is the expensive part. On PGlite a computation never yields to the network between
  // its queries, so without reuse, requests arriving during one would each compute again.
  const overviews = new Map<string, { answer: Promise<unknown>; readyAt?: number }>();
  app.get('/overview', async (c) => {
    const { days } = parseWith(OverviewQuery, c.req.query(), 'query');
    const services = c.get('services');
    const guildId = guildOf(c);
    // The window starts on a whole minute, so requests close in time ask the very same question.
    const since = new Date(Math.floor((services.clock.now().getTime() - days * 86_400_000) / 60_000) * 60_000);
    const key = `${guildId}:${days}:${since.getTime()}`;
    let entry = overviews.get(key);
    if (!entry || (entry.readyAt !== undefined && performance.now() - entry.readyAt > OVERVIEW_REUSE_MS)) {
      for (const [k, e] of overviews) if (e.readyAt !== undefined && performance.now() - e.readyAt > OVERVIEW_REUSE_MS) overviews.delete(k);
      const fresh: { answer: Promise<unknown>; readyAt?: number } = { answer: overview(services.database.db, guildId, days, since) };
      fresh.answer.then(
        () => (fresh.readyAt = performance.now()),
        () => overviews.get(key) === fresh && overviews.delete(key),
      );
      overviews.set(key, fresh);
      entry = fresh;
    }
    return c.json((await entry.answer) as object);
  });

  app.get('/data-sources', async (c) => {
    const { days } = parseWith(DataSourcesQuery, c.req.query(), 'query');
    const services = c.get('services');
    const db = services.database.db;
    const guildId = guildOf(c);
    const [g] = await db.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
    if (!g) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    const sinceDay = new Date(services.clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
    const counts = await queryRows<{ type: string; n: string; last: string }>(
      db,
      sql`SELECT event_type AS type, sum(count)::text AS n, max(day)::text AS last FROM event_counters_daily
          WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${sinceDay}::date GROUP BY 1`,
    );
    const byType = new Map(counts.map((r) => [r.type, r]));
    const capture = (g.settings.capture ?? {}) as Record<string, boolean>;
    const retention = retentionDaysOf(g.settings, c.get('services').env.CAIRN_RETENTION_DAYS);
    return c.json({
      retentionDays: retention,
      days,
      types: EVENT_TYPES.map((type) => ({
        type, captured: capture[type] !== false, internal: (INTERNAL_EVENT_TYPES as readonly string[]).includes(type),
        events: Number(byType.get(type)?.n ?? 0), lastSeenDay: byType.get(type)?.last ?? null,
      })),
    });
  });
  return app;
}

async function overview(db: Db, guildId: string, days: number, since: Date) {
  const sinceDay = since.toISOString().slice(0, 10);
  const events = await queryRows<{ day: string; type: string; n: string }>(
    db,
    sql`SELECT day::text, event_type AS type, sum(count)::text AS n FROM event_counters_daily
        WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${sinceDay}::date GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  // Aggregated per (day, currency id) before the join: a hash aggregate of few groups, no sort of
  // every transaction of the window.
  const money = await queryRows<{ day: string; currency: string; minted: string; burned: string }>(
    db,
    sql`SELECT a.day::text AS day, c.key AS currency, a.minted::text AS minted, a.burned::text AS burned
        FROM (SELECT (t.at AT TIME ZONE 'UTC')::date AS day, t.currency_id,
                     COALESCE(sum(t.delta) FILTER (WHERE t.delta > 0 AND t.source <> 'season_roll'), 0) AS minted,
                     COALESCE(-sum(t.delta) FILTER (WHERE t.delta < 0 AND t.source <> 'season_roll'), 0) AS burned
              FROM transactions t WHERE t.guild_id = ${guildId} AND t.at >= ${since.toISOString()}::timestamptz GROUP BY 1, 2) a
        JOIN currencies c ON c.id = a.currency_id ORDER BY 1, 2`,
  );
  const top = await queryRows<{ currency: string; user_id: string; name: string | null; balance: string }>(
    db,
    sql`SELECT c.key AS currency, w.user_id::text, m.display_name AS name, w.balance::text
        FROM currencies c CROSS JOIN LATERAL (
          SELECT user_id, balance FROM wallets w WHERE w.currency_id = c.id AND w.balance > 0 ORDER BY w.balance DESC NULLS LAST, w.user_id LIMIT 5
        ) w LEFT JOIN members m ON m.guild_id = c.guild_id AND m.user_id = w.user_id
        WHERE c.guild_id = ${guildId} ORDER BY c.display_order, c.key, w.balance DESC`,
  );
  const [totals] = await queryRows<{ members: number; events: string; milestones: number }>(
    db,
    sql`SELECT (SELECT count(DISTINCT user_id)::int FROM wallets WHERE guild_id = ${guildId}) AS members,
               (SELECT COALESCE(sum(count), 0)::text FROM event_counters_daily WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${sinceDay}::date) AS events,
               (SELECT count(*)::int FROM member_milestones WHERE guild_id = ${guildId}) AS milestones`,
  );
  const topEarners: Record<string, { userId: string; name: string | null; balance: number }[]> = {};
  for (const t of top) (topEarners[t.currency] ??= []).push({ userId: t.user_id, name: t.name, balance: Number(t.balance) });
  return {
    days,
    totals: { members: totals?.members ?? 0, events: Number(totals?.events ?? 0), milestonesEarned: totals?.milestones ?? 0 },
    eventsPerDay: events.map((e) => ({ day: e.day, type: e.type, count: Number(e.n) })),
    currencyPerDay: money.map((m) => ({ day: m.day, currency: m.currency, minted: Number(m.minted), burned: Number(m.burned) })),
    topEarners,
  };
}
