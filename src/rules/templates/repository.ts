// A guild's own rule templates: saved (validated, versioned in the configuration history, audit-logged) under the guild's
// configuration lock like rules, read beside the gallery, deleted. A guild template may not take a
// gallery template's key, so one key names one template.
import { isDeepStrictEqual } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import { audit } from '../../audit/audit.ts';
import { recordVersion } from '../../config-history/record.ts';
import type { Executor } from '../../db/client.ts';
import { ruleTemplates } from '../../db/schema.ts';
import { formatPath } from '../compiler.ts';
import { lockGuildConfig, type SaveResult } from '../repository.ts';
import { galleryTemplate } from './gallery.ts';
import { exampleValues, instantiate } from './instantiate.ts';
import { RuleTemplateSchema, type RuleTemplate } from './rule-template.ts';

export interface SavedTemplate {
  key: string;
  version: number;
  created: boolean;
  /** Whether this save wrote anything (an unchanged document does not). */
  changed: boolean;
  template: RuleTemplate;
}

export type TemplateSaveResult = SaveResult<SavedTemplate> | { ok: false; conflict: string };

/** Checks a template document: its shape, and that it fills (defaults and examples) into a valid rule. */
export function validateTemplate(document: unknown): SaveResult<RuleTemplate> {
  const parsed = RuleTemplateSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  const template = parsed.data;
  const made = instantiate(template, exampleValues(template));
  if (!made.ok) {
    // A placeholder without a default or example cannot be checked: ask for one, at the placeholder.
    return {
      ok: false,
      problems: made.problems.map((p) => {
        const name = p.path.startsWith('values.') ? p.path.slice('values.'.length) : undefined;
        const index = name ? template.placeholders.findIndex((x) => x.name === name) : -1;
        return index >= 0 ? { path: `placeholders[${index}]`, message: `${p.message}: give a default or an example so the template can be checked` } : p;
      }),
    };
  }
  return { ok: true, value: template };
}

export async function listGuildTemplates(exec: Executor, guildId: string) {
  return exec.select().from(ruleTemplates).where(eq(ruleTemplates.guildId, guildId)).orderBy(asc(ruleTemplates.key));
}

export async function loadGuildTemplate(exec: Executor, guildId: string, key: string) {
  const [row] = await exec.select().from(ruleTemplates).where(and(eq(ruleTemplates.guildId, guildId), eq(ruleTemplates.key, key)));
  return row;
}

/** Creates or replaces (by key) a guild template; an unchanged document writes nothing. Call it in a transaction. */
export async function saveRuleTemplate(exec: Executor, guildId: string, document: unknown, actor: string): Promise<TemplateSaveResult> {
  const validation = validateTemplate(document);
  if (!validation.ok) return validation;
  const template = validation.value;
  if (galleryTemplate(template.key)) return { ok: false, conflict: `"${template.key}" is a gallery template's key; choose another` };
  await lockGuildConfig(exec, guildId);
  const stored = JSON.parse(JSON.stringify(template)) as Record<string, unknown>;
  const existing = await loadGuildTemplate(exec, guildId, template.key);
  if (existing && isDeepStrictEqual(existing.document, stored)) return { ok: true, value: { key: template.key, version: existing.version, created: false, changed: false, template } };
  const version = existing ? existing.version + 1 : 1;
  if (existing) await exec.update(ruleTemplates).set({ document: stored, version, updatedAt: new Date() }).where(eq(ruleTemplates.id, existing.id));
  else await exec.insert(ruleTemplates).values({ guildId, key: template.key, document: stored, version });
  const auditId = await audit(exec, { guildId, actor, action: existing ? 'rule_template.update' : 'rule_template.create', entityType: 'rule_template', entityKey: template.key, before: existing?.document ?? null, after: stored });
  await recordVersion(exec, { guildId, kind: 'rule_template', key: template.key, actor, document: stored, previous: existing?.document ?? null, auditId });
  return { ok: true, value: { key: template.key, version, created: !existing, changed: true, template } };
}

export async function deleteRuleTemplate(exec: Executor, guildId: string, key: string, actor: string): Promise<boolean> {
  await lockGuildConfig(exec, guildId);
  const [removed] = await exec.delete(ruleTemplates).where(and(eq(ruleTemplates.guildId, guildId), eq(ruleTemplates.key, key))).returning();
  if (!removed) return false;
  const auditId = await audit(exec, { guildId, actor, action: 'rule_template.delete', entityType: 'rule_template', entityKey: key, before: removed.document, after: null });
  await recordVersion(exec, { guildId, kind: 'rule_template', key, actor, document: null, previous: removed.document, auditId });
  return true;
}
