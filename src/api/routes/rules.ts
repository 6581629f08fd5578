// /api/guilds/:guildId/rules — list, read, create, replace, patch (enable/disable, priority,
// mode), delete; version history and rollback.
import { and, asc, desc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { rules, ruleVersions } from '../../db/schema.ts';
import { deleteRule, saveRule } from '../../rules/repository.ts';
import { RuleSchema } from '../../rules/schema.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

const RuleOut = z.object({ id: z.number(), key: z.string(), version: z.number(), enabled: z.boolean(), updatedAt: z.string(), document: RuleSchema }).meta({ id: 'Rule' });
const Patch = z
  .object({ enabled: z.boolean(), priority: z.number().int(), mode: z.enum(['live', 'shadow']), stop_processing: z.boolean(), module: z.string().min(1).max(48) })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one of enabled, priority, mode, stop_processing, module');
const Rollback = z.object({ version: z.number().int().positive() }).strict();

const P = '/api/guilds/{guildId}/rules';
export const ruleDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List the rules', tag: 'rules', response: z.array(RuleOut) },
  { method: 'post', path: P, summary: 'Create a rule (validated: schema, references, a trial evaluation)', tag: 'rules', body: RuleSchema, response: RuleOut, statuses: [409] },
  { method: 'get', path: `${P}/{key}`, summary: 'Read a rule', tag: 'rules', response: RuleOut, statuses: [404] },
  { method: 'put', path: `${P}/{key}`, summary: 'Create or replace a rule (a new version if it changed)', tag: 'rules', body: RuleSchema, response: RuleOut },
  { method: 'patch', path: `${P}/{key}`, summary: 'Enable/disable, reprioritise, switch shadow mode', tag: 'rules', body: Patch, response: RuleOut, statuses: [404] },
  { method: 'delete', path: `${P}/{key}`, summary: 'Delete a rule', tag: 'rules', statuses: [404] },
  { method: 'get', path: `${P}/{key}/versions`, summary: 'Version history, newest first', tag: 'rules', statuses: [404] },
  { method: 'post', path: `${P}/{key}/rollback`, summary: 'Restore an earlier version (as a new version)', tag: 'rules', body: Rollback, response: RuleOut, statuses: [404] },
];

export function ruleRoutes() {
  const app = new Hono<AppEnv>();
  const load = async (c: Context<AppEnv>, key: string) => {
    const [row] = await c.get('services').database.db.select().from(rules).where(and(eq(rules.guildId, guildOf(c)), eq(rules.key, key)));
    if (!row) throw new ApiError('not_found', `no rule "${key}"`);
    return row;
  };
  const out = (row: typeof rules.$inferSelect) => ({ id: row.id, key: row.key, version: row.version, enabled: row.enabled, updatedAt: row.updatedAt.toISOString(), document: row.document });
  const save = async (c: Context<AppEnv>, document: unknown) => {
    const { db } = c.get('services').database;
    const value = saved(await db.transaction((tx) => saveRule(tx, guildOf(c), document, actorOf(c))), 'rule');
    return out(await load(c, value.key));
  };

  app.get('/', async (c) => {
    const rows = await c.get('services').database.db.select().from(rules).where(eq(rules.guildId, guildOf(c))).orderBy(asc(rules.key));
    return c.json(rows.map(out));
  });
  app.post('/', async (c) => {
    const body = await readJson(c);
    const key = typeof (body as { key?: unknown })?.key === 'string' ? (body as { key: string }).key : undefined;
    if (key) {
      const [exists] = await c.get('services').database.db.select({ id: rules.id }).from(rules).where(and(eq(rules.guildId, guildOf(c)), eq(rules.key, key)));
      if (exists) throw new ApiError('conflict', `a rule "${key}" exists already; PUT /rules/${key} replaces it`);
    }
    return c.json(await save(c, body), 201);
  });
  app.get('/:key', async (c) => c.json(out(await load(c, c.req.param('key')))));
  app.put('/:key', async (c) => c.json(await save(c, withKey(await readJson(c), c.req.param('key')))));
  app.patch('/:key', async (c) => {
    const patch = parseWith(Patch, await readJson(c));
    const row = await load(c, c.req.param('key'));
    return c.json(await save(c, { ...row.document, ...patch }));
  });
  app.delete('/:key', async (c) => {
    const { db } = c.get('services').database;
    const removed = await db.transaction((tx) => deleteRule(tx, guildOf(c), c.req.param('key'), actorOf(c)));
    if (!removed) throw new ApiError('not_found', `no rule "${c.req.param('key')}"`);
    return c.json({ deleted: c.req.param('key') });
  });
  app.get('/:key/versions', async (c) => {
    const row = await load(c, c.req.param('key'));
    const versions = await c.get('services').database.db.select().from(ruleVersions).where(eq(ruleVersions.ruleId, row.id)).orderBy(desc(ruleVersions.version));
    return c.json(versions.map((v) => ({ version: v.version, changedBy: v.changedBy, changedAt: v.changedAt.toISOString(), document: v.document, current: v.version === row.version })));
  });
  app.post('/:key/rollback', async (c) => {
    const { version } = parseWith(Rollback, await readJson(c));
    const row = await load(c, c.req.param('key'));
    const [old] = await c.get('services').database.db.select().from(ruleVersions).where(and(eq(ruleVersions.ruleId, row.id), eq(ruleVersions.version, version)));
    if (!old) throw new ApiError('not_found', `rule "${row.key}" has no version ${version}`);
    return c.json(await save(c, old.document));
  });
  return app;
}
