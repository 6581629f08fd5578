// /api/guilds/:guildId/rules — list, read, create, replace, patch (enable/disable, priority,
// mode), delete; version history and rollback (audit-logged as rule.rollback).
import { and, asc, desc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { rules, ruleVersions } from '../../db/schema.ts';
import { diffValues } from '../../presets/diff.ts';
import { deleteRule, lockGuildConfig, saveRule } from '../../rules/repository.ts';
import { restoreRuleDocument } from '../../rules/restore.ts';
import { RuleSchema } from '../../rules/schema.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { Deleted, FieldChange } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

export const RuleOut = z
  .object({
    id: z.number(),
    key: z.string(),
    version: z.number(),
    enabled: z.boolean(),
    updatedAt: z.string(),
    quarantine: z
      .object({ at: z.string(), reason: z.string() })
      .nullable()
      .meta({ description: 'set when Cairn disabled the rule because it kept failing at run time; enabling it again lifts it' }),
    document: RuleSchema,
  })
  .meta({ id: 'Rule' });
const Patch = z
  .object({ enabled: z.boolean(), priority: z.number().int(), mode: z.enum(['live', 'shadow']), stop_processing: z.boolean(), module: z.string().min(1).max(48) })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one of enabled, priority, mode, stop_processing, module');
const Rollback = z.object({ version: z.number().int().positive() }).strict();
export const VersionOut = z
  .object({ version: z.number(), changedBy: z.string(), changedAt: z.string(), document: z.record(z.string(), z.unknown()), current: z.boolean(), diff: z.array(FieldChange).meta({ description: 'Key by key, from the previous version to this one' }) })
  .meta({ id: 'RuleVersion' });

type RuleRow = typeof rules.$inferSelect;
const toOut = (row: RuleRow) => ({
  id: row.id,
  key: row.key,
  version: row.version,
  enabled: row.enabled,
  updatedAt: row.updatedAt.toISOString(),
  quarantine: row.quarantinedAt ? { at: row.quarantinedAt.toISOString(), reason: row.quarantineReason ?? '' } : null,
  document: row.document,
});

export async function ruleOut(db: Db, guildId: string, key: string) {
  const [row] = await db.select().from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, key)));
  if (!row) throw new ApiError('not_found', `no rule "${key}"`);
  return toOut(row);
}

/** Saves an earlier document of a rule as its newest version; unchanged → no version, no entry. */
export async function restoreRule(db: Db, guildId: string, document: unknown, actor: string, from: string) {
  return db.transaction(async (tx) => saved(await restoreRuleDocument(tx, guildId, document, actor, from), 'earlier rule version'));
}

const P = '/api/guilds/{guildId}/rules';
export const ruleDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List the rules', tag: 'rules', response: z.array(RuleOut) },
  { method: 'post', path: P, summary: 'Create a rule (validated: schema, references, a trial evaluation)', tag: 'rules', body: RuleSchema, response: RuleOut, statuses: [409] },
  { method: 'get', path: `${P}/{key}`, summary: 'Read a rule', tag: 'rules', response: RuleOut, statuses: [404] },
  { method: 'put', path: `${P}/{key}`, summary: 'Create or replace a rule (a new version if it changed)', tag: 'rules', body: RuleSchema, response: RuleOut },
  { method: 'patch', path: `${P}/{key}`, summary: 'Enable/disable, reprioritise, switch shadow mode', tag: 'rules', body: Patch, response: RuleOut, statuses: [404] },
  { method: 'delete', path: `${P}/{key}`, summary: 'Delete a rule', tag: 'rules', response: Deleted, statuses: [404] },
  { method: 'get', path: `${P}/{key}/versions`, summary: 'Version history, newest first, each with its key-by-key diff from the previous version', tag: 'rules', response: z.array(VersionOut), statuses: [404] },
  { method: 'post', path: `${P}/{key}/rollback`, summary: 'Restore an earlier version (as a new version; audit-logged as rule.rollback)', tag: 'rules', body: Rollback, response: RuleOut, statuses: [404] },
];

export function ruleRoutes() {
  const app = new Hono<AppEnv>();
  const load = async (c: Context<AppEnv>, key: string) => {
    const [row] = await c.get('services').database.db.select().from(rules).where(and(eq(rules.guildId, guildOf(c)), eq(rules.key, key)));
    if (!row) throw new ApiError('not_found', `no rule "${key}"`);
    return row;
  };
  const out = toOut;
  /**
   * Saves and answers with the row this save wrote (read in its transaction: a concurrent save may
   * commit right after). `createOnly` (POST) refuses a key that exists, also one created meanwhile.
   */
  const save = async (c: Context<AppEnv>, document: unknown, options: { createOnly?: boolean } = {}) => {
    const { db } = c.get('services').database;
    const guildId = guildOf(c);
    return db.transaction(async (tx) => {
      const value = saved(await saveRule(tx, guildId, document, actorOf(c)), 'rule');
      if (options.createOnly && !value.created) throw new ApiError('conflict', `a rule "${value.key}" exists already; PUT /rules/${value.key} replaces it`);
      const [row] = await tx.select().from(rules).where(eq(rules.id, value.id));
      return out(row!);
    });
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
    return c.json(await save(c, body, { createOnly: true }), 201);
  });
  app.get('/:key', async (c) => c.json(out(await load(c, c.req.param('key')))));
  app.put('/:key', async (c) => c.json(await save(c, withKey(await readJson(c), c.req.param('key')))));
  app.patch('/:key', async (c) => {
    const patch = parseWith(Patch, await readJson(c));
    const { db } = c.get('services').database;
    const guildId = guildOf(c);
    const key = c.req.param('key');
    // Read, merge and save under the guild's lock, so two patches (say enable and priority) both hold.
    return c.json(
      await db.transaction(async (tx) => {
        await lockGuildConfig(tx, guildId);
        const [row] = await tx.select().from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, key)));
        if (!row) throw new ApiError('not_found', `no rule "${key}"`);
        const value = saved(await saveRule(tx, guildId, { ...row.document, ...patch }, actorOf(c)), 'rule');
        const [updated] = await tx.select().from(rules).where(eq(rules.id, value.id));
        return out(updated!);
      }),
    );
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
    return c.json(
      versions.map((v, i) => ({
        version: v.version, changedBy: v.changedBy, changedAt: v.changedAt.toISOString(), document: v.document, current: v.version === row.version,
        diff: diffValues(versions[i + 1]?.document ?? null, v.document),
      })),
    );
  });
  app.post('/:key/rollback', async (c) => {
    const { version } = parseWith(Rollback, await readJson(c));
    const row = await load(c, c.req.param('key'));
    const [old] = await c.get('services').database.db.select().from(ruleVersions).where(and(eq(ruleVersions.ruleId, row.id), eq(ruleVersions.version, version)));
    if (!old) throw new ApiError('not_found', `rule "${row.key}" has no version ${version}`);
    const restored = await restoreRule(c.get('services').database.db, guildOf(c), old.document, actorOf(c), `v${version}`);
    return c.json(out(await load(c, restored.key)));
  });
  return app;
}
