// Reading and saving a guild's rules, zones and currencies. Saving validates first (schema,
// references, a trial evaluation), keeps every rule version, and writes an audit entry.
import { isDeepStrictEqual } from 'node:util';
import { and, asc, eq, sql } from 'drizzle-orm';
import { MAX_AMOUNT } from '../config/ranges.ts';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { currencies, guilds, milestones, rules, ruleVersions, zones } from '../db/schema.ts';
import { currentSeason } from '../ledger/seasons.ts';
import type { EventType } from '../events/lake-event.ts';
import { audit } from '../audit/audit.ts';
import { recordVersion } from '../config-history/record.ts';
import { loadCommands } from '../custom-commands/load.ts';
import { CurrencySchema, LevelCurveSchema, type CurrencyInput } from '../ledger/currency.ts';
import { resyncLevels } from '../ledger/levels.ts';
import { checkReferences, compileRule, formatPath, parseRule, type ConfigInput, type CurrencyInfo, type GuildSettings } from './compiler.ts';
import { buildContext } from './context.ts';
import { sampleEvent } from './samples.ts';
import type { Rule } from './schema.ts';
import { MemoryState } from './state.ts';
import { ZoneIndex, ZoneSchema, type Zone, type ZoneInput } from './zones.ts';

/** The AI quality a rule is checked against when saved (live events may see null instead). */
const SAMPLE_AI_QUALITY = 0.5;

export interface Problem {
  path: string;
  message: string;
}

export type SaveResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

function currencyInfo(row: typeof currencies.$inferSelect): CurrencyInfo {
  const curve = row.levelCurve ? LevelCurveSchema.safeParse(row.levelCurve) : undefined;
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    symbol: row.symbol,
    spendable: row.spendable,
    seasonal: row.seasonal,
    allow_negative: row.allowNegative,
    level_curve: curve?.success ? curve.data : null,
    display_order: row.displayOrder,
  };
}

/** A currency as its save takes it (what its versions hold). */
export function currencyDocument(row: typeof currencies.$inferSelect): CurrencyInput {
  const { id: _id, ...document } = currencyInfo(row);
  return document;
}

export function zoneOf(row: typeof zones.$inferSelect): Zone {
  return { key: row.key, name: row.name, channels: row.channelIds, default_for: row.defaultFor, multipliers: row.multipliers };
}

export async function loadCurrencies(exec: Executor, guildId: string): Promise<CurrencyInfo[]> {
  const rows = await exec.select().from(currencies).where(eq(currencies.guildId, guildId)).orderBy(asc(currencies.displayOrder), asc(currencies.id));
  return rows.map(currencyInfo);
}

export async function loadZones(exec: Executor, guildId: string): Promise<Zone[]> {
  const rows = await exec.select().from(zones).where(eq(zones.guildId, guildId)).orderBy(asc(zones.key));
  return rows.map(zoneOf);
}

/** Everything the compiler needs for one guild, read in one consistent go. */
export async function loadConfigInput(exec: Executor, guildId: string): Promise<ConfigInput> {
  const [guild] = await exec
    .select({ version: guilds.configVersion, timezone: guilds.timezone, settings: guilds.settings })
    .from(guilds)
    .where(eq(guilds.id, guildId));
  const ruleRows = await exec.select({ id: rules.id, version: rules.version, document: rules.document }).from(rules).where(eq(rules.guildId, guildId));
  const milestoneRows = await exec.select({ id: milestones.id, document: milestones.document }).from(milestones).where(eq(milestones.guildId, guildId));
  // A guild always has an open season (season 1 is created on first need).
  const season = guild ? await currentSeason(exec, guildId) : null;
  return {
    guildId,
    version: guild?.version ?? 0,
    rules: ruleRows,
    zones: await loadZones(exec, guildId),
    currencies: await loadCurrencies(exec, guildId),
    milestones: milestoneRows,
    timezone: guild?.timezone ?? 'UTC',
    settings: (guild?.settings ?? {}) as GuildSettings,
    season: season ? { id: season.id, number: season.number, startedAt: season.startedAt } : null,
    commands: await loadCommands(exec, guildId),
  };
}

/**
 * Validates a rule document for a guild: the schema, that its currencies and zones exist, and that
 * its vars, conditions and amounts evaluate on a sample of each event it triggers on.
 */
export function validateRuleDocument(document: unknown, guildCurrencies: CurrencyInfo[], guildZones: Zone[], guildId = '0'): SaveResult<Rule> {
  const parsed = parseRule(document);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const rule = parsed.rule;
  const refs = checkReferences(rule, new Set(guildCurrencies.map((c) => c.key)), new Set(guildZones.map((z) => z.key)));
  if (refs.length > 0) return { ok: false, problems: refs };
  const zoneIndex = new ZoneIndex(guildZones);
  const currencies = new Map(guildCurrencies.map((c) => [c.key, c]));
  const compiled = compileRule({ id: 0, version: 0, document }, rule, zoneIndex, currencies, 0);
  const config = {
    guildId,
    version: 0,
    rules: [compiled],
    byType: new Map(),
    index: new Map(),
    zones: zoneIndex,
    currencies,
    currencyById: new Map(guildCurrencies.map((c) => [c.id, c])),
    problems: [],
    moduleOff: [],
    listened: new Set<string>(),
    listensToCredits: false,
    listensToDebits: false,
    aiQuality: compiled.usesAiQuality,
    maxChainDepth: 3,
    milestones: [],
    timezone: 'UTC',
    settings: {},
    season: null,
    commands: [],
  };
  const problems: Problem[] = [];
  const firstCurrency = guildCurrencies[0]?.key ?? 'sample';
  for (const type of rule.trigger.events as EventType[]) {
    const event = sampleEvent(type, guildId, 'currency' in sampleEvent(type, guildId).data ? { currency: rule.trigger.currency ?? firstCurrency } : {});
    const ctx = buildContext(config, new MemoryState(guildId), event, 0, type);
    ctx.ai_quality = SAMPLE_AI_QUALITY;
    const attempt = (path: string, fn: () => unknown, numeric = false) => {
      try {
        const value = fn();
        if (numeric && !(typeof value === 'number' ? Number.isFinite(value) : typeof value === 'string' && Number.isFinite(Number(value)))) {
          problems.push({ path, message: `must evaluate to a number; on a sample ${type} event it gave ${JSON.stringify(value)}` });
        } else if (numeric && Math.abs(Number(value)) > MAX_AMOUNT) {
          problems.push({ path, message: `must stay within ${MAX_AMOUNT.toLocaleString('en-US')}; on a sample ${type} event it gave ${Number(value).toLocaleString('en-US')}` });
        }
      } catch (error) {
        problems.push({ path, message: `fails on a sample ${type} event: ${(error as Error).message}` });
      }
    };
    ctx.vars = {};
    for (const [name, compute] of compiled.vars) attempt(`vars.${name}`, () => (ctx.vars[name] = compute(ctx)));
    compiled.conditions.forEach((c, i) => attempt(`conditions[${i}].if`, () => c.test(ctx)));
    compiled.effects.forEach((e, i) => {
      if (e.compiledAmount) attempt(`effects[${i}].amount`, () => e.compiledAmount!(ctx), true);
      for (const [k, compute] of Object.entries(e.compiledData ?? {})) attempt(`effects[${i}].data.${k}`, () => compute(ctx));
    });
  }
  const unique = [...new Map(problems.map((p) => [`${p.path}|${p.message}`, p])).values()];
  return unique.length > 0 ? { ok: false, problems: unique } : { ok: true, value: rule };
}

export interface SavedRule {
  id: number;
  key: string;
  version: number;
  rule: Rule;
  created: boolean;
}

/**
 * Serialises changes to one guild's configuration until the transaction ends: two saves of one key
 * would otherwise both read "absent" and both insert (a duplicate key), or both write version n+1.
 * Every save takes it first; it is re-entrant within a transaction (a preset import saves many).
 * Other guilds, and event processing, are not held up.
 */
export async function lockGuildConfig(tx: Executor, guildId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`cairn:config:${guildId}`}, 0))`);
}

/** Creates or updates (by key) a rule; unchanged documents are not re-versioned. Call it in a transaction. */
export async function saveRule(exec: Executor, guildId: string, document: unknown, actor: string): Promise<SaveResult<SavedRule>> {
  await lockGuildConfig(exec, guildId);
  const validation = validateRuleDocument(document, await loadCurrencies(exec, guildId), await loadZones(exec, guildId), guildId);
  if (!validation.ok) return validation;
  const rule = validation.value;
  const stored = rule as unknown as Record<string, unknown>;
  const [existing] = await exec.select().from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, rule.key)));
  if (existing && isDeepStrictEqual(existing.document, stored)) {
    return { ok: true, value: { id: existing.id, key: rule.key, version: existing.version, rule, created: false } };
  }
  const version = existing ? existing.version + 1 : 1;
  const [row] = existing
    ? await exec
        .update(rules)
        // An admin's save that enables the rule lifts a quarantine (and its reason).
        .set({ document: stored, version, enabled: rule.enabled, updatedAt: new Date(), ...(rule.enabled ? { quarantinedAt: null, quarantineReason: null } : {}) })
        .where(eq(rules.id, existing.id))
        .returning()
    : await exec.insert(rules).values({ guildId, key: rule.key, document: stored, version, enabled: rule.enabled }).returning();
  await exec.insert(ruleVersions).values({ ruleId: row!.id, version, document: stored, changedBy: actor });
  await audit(exec, { guildId, actor, action: existing ? 'rule.update' : 'rule.create', entityType: 'rule', entityKey: rule.key, before: existing?.document ?? null, after: stored });
  return { ok: true, value: { id: row!.id, key: rule.key, version, rule, created: !existing } };
}

export async function deleteRule(exec: Executor, guildId: string, key: string, actor: string): Promise<boolean> {
  const [removed] = await exec.delete(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, key))).returning();
  if (!removed) return false;
  await audit(exec, { guildId, actor, action: 'rule.delete', entityType: 'rule', entityKey: key, before: removed.document, after: null });
  return true;
}

export async function saveZone(exec: Executor, guildId: string, input: ZoneInput | unknown, actor: string): Promise<SaveResult<Zone>> {
  const parsed = ZoneSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  await lockGuildConfig(exec, guildId);
  const zone = parsed.data;
  // Multipliers name currencies: one since deleted (say, in an old version being restored) is refused.
  const known = new Set((await loadCurrencies(exec, guildId)).map((c) => c.key));
  const unknown = Object.keys(zone.multipliers).filter((k) => !known.has(k));
  if (unknown.length > 0) return { ok: false, problems: unknown.map((k) => ({ path: `multipliers.${k}`, message: `unknown currency "${k}"` })) };
  const [existing] = await exec.select().from(zones).where(and(eq(zones.guildId, guildId), eq(zones.key, zone.key)));
  const values = { name: zone.name, channelIds: zone.channels, defaultFor: zone.default_for, multipliers: zone.multipliers, updatedAt: new Date() };
  if (existing) await exec.update(zones).set(values).where(eq(zones.id, existing.id));
  else await exec.insert(zones).values({ guildId, key: zone.key, ...values });
  const previous = existing ? zoneOf(existing) : null;
  const auditId = await audit(exec, { guildId, actor, action: existing ? 'zone.update' : 'zone.create', entityType: 'zone', entityKey: zone.key, before: previous, after: zone });
  await recordVersion(exec, { guildId, kind: 'zone', key: zone.key, actor, document: zone, previous, auditId });
  return { ok: true, value: zone };
}

/** A deletion: done, nothing of that key, or refused because something still uses it (nothing changed). */
export type DeleteResult = { ok: true } | { ok: false; code: 'not_found' } | { ok: false; code: 'in_use'; message: string };

/** Deletes a zone no rule names, audit-logged and versioned (it can be restored from its history). */
export async function deleteZone(exec: Executor, guildId: string, key: string, actor: string): Promise<DeleteResult> {
  await lockGuildConfig(exec, guildId);
  const [row] = await exec.select().from(zones).where(and(eq(zones.guildId, guildId), eq(zones.key, key)));
  if (!row) return { ok: false, code: 'not_found' };
  const users = await queryRows<{ key: string }>(exec, sql`SELECT key FROM rules WHERE guild_id = ${guildId} AND (document->'trigger'->'zones' ? ${key} OR document->'trigger'->'exclude_zones' ? ${key}) ORDER BY key`);
  if (users.length > 0) return { ok: false, code: 'in_use', message: `rule(s) ${users.map((u) => u.key).join(', ')} use zone "${key}"; change them first` };
  await exec.delete(zones).where(eq(zones.id, row.id));
  const auditId = await audit(exec, { guildId, actor, action: 'zone.delete', entityType: 'zone', entityKey: key, before: row, after: null });
  await recordVersion(exec, { guildId, kind: 'zone', key, actor, document: null, previous: zoneOf(row), auditId });
  return { ok: true };
}

/** Deletes a currency nobody holds or earned and no rule pays, audit-logged and versioned. */
export async function deleteCurrency(exec: Executor, guildId: string, key: string, actor: string): Promise<DeleteResult> {
  await lockGuildConfig(exec, guildId);
  const [row] = await exec.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, key)));
  if (!row) return { ok: false, code: 'not_found' };
  const [held] = await queryRows<{ n: number }>(exec, sql`SELECT count(*)::int AS n FROM wallets WHERE currency_id = ${row.id} AND (balance <> 0 OR lifetime_earned <> 0)`);
  if ((held?.n ?? 0) > 0) return { ok: false, code: 'in_use', message: `${held!.n} member(s) hold or earned "${key}"; it cannot be deleted (disable the rules that pay it instead)` };
  const [used] = await queryRows<{ n: number }>(
    exec,
    sql`SELECT count(*)::int AS n FROM rules WHERE guild_id = ${guildId}
        AND jsonb_path_exists(document, '$.**.currency ? (@ == $k)', jsonb_build_object('k', ${key}::text))`,
  );
  if ((used?.n ?? 0) > 0) return { ok: false, code: 'in_use', message: `${used!.n} rule(s) use "${key}"; change them first` };
  await exec.delete(currencies).where(eq(currencies.id, row.id));
  const auditId = await audit(exec, { guildId, actor, action: 'currency.delete', entityType: 'currency', entityKey: key, before: row, after: null });
  await recordVersion(exec, { guildId, kind: 'currency', key, actor, document: null, previous: currencyDocument(row), auditId });
  return { ok: true };
}

export async function saveCurrency(exec: Executor, guildId: string, input: CurrencyInput | unknown, actor: string): Promise<SaveResult<CurrencyInfo>> {
  const parsed = CurrencySchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  await lockGuildConfig(exec, guildId);
  const c = parsed.data;
  const [existing] = await exec.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, c.key)));
  const values = {
    name: c.name,
    symbol: c.symbol,
    spendable: c.spendable,
    seasonal: c.seasonal,
    allowNegative: c.allow_negative,
    levelCurve: c.level_curve,
    displayOrder: c.display_order,
    updatedAt: new Date(),
  };
  const [row] = existing
    ? await exec.update(currencies).set(values).where(eq(currencies.id, existing.id)).returning()
    : await exec.insert(currencies).values({ guildId, key: c.key, ...values }).returning();
  const auditId = await audit(exec, { guildId, actor, action: existing ? 'currency.update' : 'currency.create', entityType: 'currency', entityKey: c.key, before: existing ? currencyInfo(existing) : null, after: c });
  await recordVersion(exec, { guildId, kind: 'currency', key: c.key, actor, document: c, previous: existing ? currencyDocument(existing) : null, auditId });
  // A changed curve or reward list re-syncs every wallet's level and the members' reward roles.
  if (existing && !isDeepStrictEqual(existing.levelCurve ?? null, c.level_curve)) await resyncLevels(exec, guildId, existing.id);
  return { ok: true, value: currencyInfo(row!) };
}

/** Runs `fn` in a transaction unless already given one. */
export function inTransaction<T>(db: Db, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx));
}
