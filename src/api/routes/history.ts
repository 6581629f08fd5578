// /api/guilds/:guildId/history/:kind/:key — the versions of one configured entity (rules,
// currencies, zones, milestones, shop items, the guild's settings; deleted ones included) with a
// key-by-key diff each, and restoring one as a new version (audit-logged, so it can be undone).
import { Hono } from 'hono';
import { z } from 'zod';
import { listVersions, restoreVersion, type RestoreFailure } from '../../config-history/history.ts';
import { HISTORY_KIND_NAMES, HISTORY_KINDS, type HistoryKind } from '../../config-history/kinds.ts';
import { diffValues } from '../../presets/diff.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { FieldChange } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const Kind = z.enum(HISTORY_KIND_NAMES);
const Target = z.object({
  kind: Kind,
  // Keys are short (text Postgres cannot store is refused for every URL); the settings' key is the guild id.
  key: z.string().min(1).max(100),
});
const RestoreBody = z.object({ version: z.number().int().min(1).max(2_147_483_647).meta({ description: 'the version to bring back' }) }).strict();

export const ConfigVersionOut = z
  .object({
    version: z.number(),
    action: z.enum(['baseline', 'create', 'update', 'delete', 'restore']).meta({ description: 'baseline: the state found when history began' }),
    actor: z.string(),
    at: z.string(),
    document: z.record(z.string(), z.unknown()).nullable().meta({ description: 'the entity as saved; null for a deletion' }),
    current: z.boolean(),
    restoredFrom: z.number().nullable(),
    diff: z.array(FieldChange).meta({ description: 'Key by key, from the previous version to this one' }),
  })
  .meta({ id: 'ConfigVersion' });
export const EntityHistoryOut = z
  .object({ kind: Kind, key: z.string(), exists: z.boolean().meta({ description: 'false for a deleted entity (a version before its deletion brings it back)' }), versions: z.array(ConfigVersionOut) })
  .meta({ id: 'EntityHistory' });
export const RestoredOut = z
  .object({
    kind: Kind,
    key: z.string(),
    version: z.number().meta({ description: 'the newest version after the restore' }),
    restoredFrom: z.number(),
    changed: z.boolean().meta({ description: 'false when the version equalled the entity as it was (nothing written)' }),
    document: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'RestoredVersion' });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Field by field even for a creation or a deletion (each field against nothing). */
const keyByKey = (before: unknown, after: unknown) => diffValues(before === null && isObject(after) ? {} : before, after === null && isObject(before) ? {} : after);

/** A refused restore: 404 for an unknown version, 409 for one that cannot come back (with the save's problems). */
export function restoreError(failure: RestoreFailure): ApiError {
  if (failure.code === 'not_found') return new ApiError('not_found', failure.message);
  return new ApiError('conflict', failure.message, failure.problems);
}

const P = '/api/guilds/{guildId}/history/{kind}/{key}';
export const historyDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: `Versions of one configured entity (kind: ${HISTORY_KIND_NAMES.join(', ')}; the settings' key is the guild id), newest first, deleted ones included`, tag: 'history', response: EntityHistoryOut, statuses: [404] },
  { method: 'post', path: `${P}/restore`, summary: 'Restore a version as the newest (validated like a save; audit-logged; a deleted entity comes back; a shop item keeps its stock)', tag: 'history', body: RestoreBody, response: RestoredOut, statuses: [404, 409] },
];

function target(params: Record<string, string>): { kind: HistoryKind; key: string } {
  if (!Kind.safeParse(params.kind).success) throw new ApiError('not_found', `no history of "${params.kind}"; kinds: ${HISTORY_KIND_NAMES.join(', ')}`);
  return parseWith(Target, params, 'URL');
}

export function historyRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/:kind/:key', async (c) => {
    const { kind, key } = target(c.req.param());
    const history = await listVersions(c.get('services').database.db, guildOf(c), kind, key);
    if (!history) throw new ApiError('not_found', `no ${HISTORY_KINDS[kind].noun} "${key}" in this guild's history`);
    const { versions } = history;
    return c.json({
      kind, key, exists: history.exists,
      versions: versions.map((v, i) => ({
        version: v.version, action: v.action, actor: v.actor, at: v.at.toISOString(), document: v.document, current: v.current, restoredFrom: v.restoredFrom,
        diff: keyByKey(versions[i + 1]?.document ?? null, v.document),
      })),
    });
  });
  app.post('/:kind/:key/restore', async (c) => {
    const { kind, key } = target(c.req.param());
    const { version } = parseWith(RestoreBody, await readJson(c));
    const outcome = await restoreVersion(c.get('services').database.db, guildOf(c), kind, key, version, actorOf(c));
    if (!outcome.ok) throw restoreError(outcome);
    const { ok: _ok, ...restored } = outcome;
    return c.json(restored);
  });
  return app;
}
