// /api/guilds/:guildId/audit-log — configuration changes with before/after documents and a
// key-by-key diff, newest first, and one-click rollback of a change to any configured entity.
import { and, desc, eq, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { revertibleAuditIds, rollbackAuditEntry } from '../../config-history/history.ts';
import { auditLog } from '../../db/schema.ts';
import { diffValues } from '../../presets/diff.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { AuditEntryOut } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';
import { restoreError, RestoredOut } from './history.ts';
import { restoreRule, RuleOut, ruleOut } from './rules.ts';

const AuditQuery = z.object({ entity: z.enum(['rule', 'zone', 'currency', 'milestone', 'shop_item', 'command', 'preset', 'season', 'guild', 'member', 'ticket', 'faq', 'rule_template']).optional(), key: z.string().optional(), before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
const AuditId = z.object({ id: z.coerce.number().int().positive('must be a positive audit entry id') });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Field by field even for a creation or a deletion (each field against nothing). */
const keyByKey = (before: unknown, after: unknown) => diffValues(before === null && isObject(after) ? {} : before, after === null && isObject(before) ? {} : after);

const G = '/api/guilds/{guildId}';
export const auditLogDocs: RouteDoc[] = [
  { method: 'get', path: `${G}/audit-log`, summary: 'Configuration changes with before/after documents and a key-by-key diff, newest first', tag: 'audit', query: AuditQuery, response: z.array(AuditEntryOut) },
  {
    method: 'post', path: `${G}/audit-log/{id}/rollback`, tag: 'audit', statuses: [404, 409],
    summary: 'Undo a change: restore the rule, currency, zone, milestone, shop item or settings as they were before this entry (a new version, audit-logged as a rollback or restore; a deleted entity comes back)',
    response: z.union([RuleOut, RestoredOut]),
  },
];

export function auditLogRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const q = parseWith(AuditQuery, c.req.query(), 'query');
    const conditions = [eq(auditLog.guildId, guildOf(c))];
    if (q.entity) conditions.push(eq(auditLog.entityType, q.entity));
    if (q.key) conditions.push(eq(auditLog.entityKey, q.key));
    if (q.before) conditions.push(lt(auditLog.id, q.before));
    const { db } = c.get('services').database;
    const rows = await db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(q.limit);
    const versioned = await revertibleAuditIds(db, guildOf(c), rows.map((r) => r.id));
    return c.json(
      rows.map((r) => ({
        id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, entityType: r.entityType, entityKey: r.entityKey, before: r.before, after: r.after,
        diff: keyByKey(r.before ?? null, r.after ?? null),
        revertible: (r.entityType === 'rule' && r.entityKey !== null && r.before !== null && typeof r.before === 'object') || versioned.has(r.id),
      })),
    );
  });
  // One click in the audit log: the entity goes back to its state before the entry (a deleted one
  // comes back). The restore is a new version, so it can itself be undone. Rules roll back from the
  // entry's "before" document (their versions go with a deleted rule); every other kind from the
  // version recorded before the one written with the entry.
  app.post('/:id/rollback', async (c) => {
    const { id } = parseWith(AuditId, { id: c.req.param('id') }, 'URL');
    const guildId = guildOf(c);
    const { db } = c.get('services').database;
    const [entry] = await db.select().from(auditLog).where(and(eq(auditLog.guildId, guildId), eq(auditLog.id, id)));
    if (!entry) throw new ApiError('not_found', `no audit entry ${id} in this guild`);
    if (entry.entityType !== 'rule' || !entry.entityKey) {
      const outcome = await rollbackAuditEntry(db, guildId, id, actorOf(c));
      if (!outcome.ok) throw restoreError(outcome);
      const { ok: _ok, ...restored } = outcome;
      return c.json(restored);
    }
    if (entry.before === null || typeof entry.before !== 'object') throw new ApiError('conflict', `audit entry ${id} created rule "${entry.entityKey}"; there is no earlier version (delete the rule instead)`);
    const restored = await restoreRule(db, guildId, entry.before, actorOf(c), `the state before audit #${id}`);
    return c.json(await ruleOut(db, guildId, restored.key));
  });
  return app;
}
