// /api/guilds/:guildId/rule-templates — the gallery and the guild's own templates; instantiate one
// (placeholder values → a checked rule, an optional dry run over sample events, an optional save as
// a new rule through the rule save path); save any rule as a guild template, delete one.
import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { parseLakeEvent, type LakeEvent } from '../../events/lake-event.ts';
import { rules } from '../../db/schema.ts';
import { lockGuildConfig, saveRule } from '../../rules/repository.ts';
import { RuleSchema } from '../../rules/schema.ts';
import { instantiateForGuild } from '../../rules/templates/for-guild.ts';
import { exampleValues } from '../../rules/templates/instantiate.ts';
import { describeRun, exampleEvents } from '../../rules/templates/run.ts';
import { galleryTemplate, galleryTemplates } from '../../rules/templates/gallery.ts';
import { deleteRuleTemplate, listGuildTemplates, loadGuildTemplate, saveRuleTemplate, validateTemplate } from '../../rules/templates/repository.ts';
import { RuleTemplateSchema, type RuleTemplate } from '../../rules/templates/rule-template.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { Deleted } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

export const TemplateOut = RuleTemplateSchema.and(
  z.object({
    source: z.enum(['gallery', 'guild']).meta({ description: "gallery: shipped with Cairn; guild: this guild's own" }),
    version: z.number().nullable().meta({ description: "a guild template's version; null for the gallery's" }),
  }),
).meta({ id: 'RuleTemplate' });

export const InstantiateBody = z
  .object({
    values: z.record(z.string(), z.unknown()).default({}).meta({ description: 'placeholder values by name; a placeholder with a default may be left out' }),
    key: z.string().optional().meta({ description: "the new rule's key (default: the template's)" }),
    name: z.string().optional().meta({ description: "the new rule's name (default: the template's)" }),
    dry_run: z.array(z.unknown()).max(100).optional().meta({ description: 'events (as POST /events takes them) to run the rule over, in order, from empty wallets and with no other rule' }),
    save: z.boolean().default(false).meta({ description: 'save the rule as a new rule of the guild (refused if its key exists)' }),
    example: z.boolean().default(false).meta({ description: "run the rule over the template's own example events (members alice, bob, carol; the example's channels mapped to the channels chosen here) instead of `dry_run`" }),
  })
  .strict();

const RunStepOut = z.object({
  index: z.number(), type: z.string(), actor_id: z.string(), fired: z.boolean(), reason: z.string().optional(),
  moves: z.array(z.object({ type: z.string(), member: z.string(), currency: z.string(), amount: z.number() })),
  roles_added: z.array(z.object({ member: z.string(), role: z.string() })),
  errors: z.array(z.string()),
});
export const InstantiateOut = z
  .object({
    template: z.string(),
    rule: RuleSchema,
    dry_run: z.object({ steps: z.array(RunStepOut), balances: z.record(z.string(), z.record(z.string(), z.number())) }).optional(),
    saved: z.object({ id: z.number(), key: z.string(), version: z.number() }).optional(),
    example: z.object({
      outcome: z.string().meta({ description: "the example's outcome in plain words, as the template states it" }),
      fired: z.array(z.boolean()),
      balances: z.record(z.string(), z.record(z.string(), z.number())).meta({ description: 'by example member (alice, bob, carol)' }),
      roles_added: z.record(z.string(), z.array(z.string())),
    }).optional().meta({ description: "with `example`: the run over the template's example, by member name" }),
  })
  .meta({ id: 'RuleTemplateInstance' });

const ExampleRunOut = z.object({
  fired: z.array(z.boolean()),
  balances: z.record(z.string(), z.record(z.string(), z.number())).meta({ description: 'by example member (alice, bob, carol)' }),
  roles_added: z.record(z.string(), z.array(z.string())),
});
export const PreviewOut = z
  .object({
    rule: RuleSchema.meta({ description: "the rule as the template fills with its defaults and examples, checked against this guild's currencies and zones" }),
    dry_run: z.object({ steps: z.array(RunStepOut), balances: z.record(z.string(), z.record(z.string(), z.number())) }).optional(),
    example: ExampleRunOut.optional().meta({ description: "what the template's example does (the data to store as example.expected)" }),
  })
  .meta({ id: 'RuleTemplatePreview' });

const P = '/api/guilds/{guildId}/rule-templates';
export const ruleTemplateDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: "The rule template gallery and the guild's own templates", tag: 'rules', response: z.array(TemplateOut) },
  { method: 'get', path: `${P}/{key}`, summary: 'One rule template', tag: 'rules', response: TemplateOut, statuses: [404] },
  { method: 'post', path: `${P}/{key}/instantiate`, summary: 'Fill a template: the rule (checked as a save would), an optional dry run, an optional save as a new rule (audit-logged)', tag: 'rules', body: InstantiateBody, response: InstantiateOut, statuses: [404, 409] },
  { method: 'post', path: `${P}/preview`, summary: "Check a template document as a save would, without saving, and run its example (example.expected may be left out: the answer is what it should say)", tag: 'rules', body: RuleTemplateSchema, response: PreviewOut },
  { method: 'put', path: `${P}/{key}`, summary: 'Save any rule as a guild template, or replace one (audit-logged)', tag: 'rules', body: RuleTemplateSchema, response: TemplateOut, statuses: [409] },
  { method: 'delete', path: `${P}/{key}`, summary: 'Delete a guild template (gallery templates cannot be deleted)', tag: 'rules', response: Deleted, statuses: [404] },
];

const fromGallery = (t: RuleTemplate) => ({ ...t, source: 'gallery' as const, version: null });
const fromGuild = (row: { document: Record<string, unknown>; version: number }) => ({ ...(row.document as RuleTemplate), source: 'guild' as const, version: row.version });

async function findTemplate(c: Context<AppEnv>, key: string) {
  const gallery = galleryTemplate(key);
  if (gallery) return fromGallery(gallery);
  const row = await loadGuildTemplate(c.get('services').database.db, guildOf(c), key);
  if (!row) throw new ApiError('not_found', `no rule template "${key}"`);
  return fromGuild(row);
}

function parseEvents(guildId: string, events: unknown[]): LakeEvent[] {
  const problems: { path: string; message: string }[] = [];
  const parsed = events.flatMap((input, i) => {
    const result = parseLakeEvent(input);
    if (!result.ok) {
      problems.push(...result.errors.map((e) => ({ path: `dry_run[${i}].${e.path}`, message: e.message })));
      return [];
    }
    if (result.value.guild_id !== guildId) problems.push({ path: `dry_run[${i}].guild_id`, message: `must be ${guildId}` });
    return [result.value];
  });
  if (problems.length > 0) throw new ApiError('validation_failed', 'a dry-run event is invalid', problems);
  return parsed;
}

/**
 * The template's example events for this guild: the channels the example wrote (its values, or the
 * placeholders' examples and defaults) become the channels chosen here, so the run shows what the
 * rule as filled in would do.
 */
function exampleFor(template: RuleTemplate, values: Record<string, unknown>, guildId: string): LakeEvent[] {
  const example = template.example!;
  const channels = new Map<string, string>();
  for (const p of template.placeholders) {
    if (p.kind !== 'channel') continue;
    const written = example.values[p.name] ?? p.example ?? p.default;
    const chosen = values[p.name];
    if (typeof written === 'string' && typeof chosen === 'string' && chosen !== '') channels.set(written, chosen);
  }
  return exampleEvents(example, guildId).map((e) => (e.channel_id && channels.has(e.channel_id) ? { ...e, channel_id: channels.get(e.channel_id)! } : e));
}

/** A document whose example has no `expected` yet gets a neutral one, so a preview can say what it should be. */
function withExpected(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const example = (body as { example?: unknown }).example;
  if (typeof example !== 'object' || example === null || Array.isArray(example) || 'expected' in example) return body;
  const events = (example as { events?: unknown }).events;
  return { ...body, example: { ...example, expected: { fired: Array.isArray(events) ? events.map(() => false) : [] } } };
}

export function ruleTemplateRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const own = await listGuildTemplates(c.get('services').database.db, guildOf(c));
    return c.json([...galleryTemplates().map(fromGallery), ...own.map(fromGuild)]);
  });
  app.get('/:key', async (c) => c.json(await findTemplate(c, c.req.param('key'))));
  app.post('/:key/instantiate', async (c) => {
    const template = await findTemplate(c, c.req.param('key'));
    const body = parseWith(InstantiateBody, await readJson(c));
    const guildId = guildOf(c);
    const { db } = c.get('services').database;
    const options = { ...(body.key ? { key: body.key } : {}), ...(body.name ? { name: body.name } : {}) };
    const events = body.example && template.example ? exampleFor(template, body.values, guildId) : body.dry_run ? parseEvents(guildId, body.dry_run) : undefined;
    const made = await instantiateForGuild(db, guildId, template, body.values, { ...options, ...(events ? { events } : {}) });
    if (!made.ok) throw new ApiError('validation_failed', `the values do not fill template "${template.key}" into a valid rule`, made.problems);
    let savedRule: { id: number; key: string; version: number } | undefined;
    if (body.save) {
      savedRule = await db.transaction(async (tx) => {
        // Under the guild's lock, so a rule created meanwhile is seen and never overwritten.
        await lockGuildConfig(tx, guildId);
        const [exists] = await tx.select({ id: rules.id }).from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, made.rule.key)));
        if (exists) throw new ApiError('conflict', `a rule "${made.rule.key}" exists already; give another "key", or PUT /rules/${made.rule.key} to replace it`);
        const value = saved(await saveRule(tx, guildId, made.document, actorOf(c)), 'rule');
        return { id: value.id, key: value.key, version: value.version };
      });
      await c.get('services').configs.reload(guildId);
    }
    const example = body.example && made.run ? { example: { ...describeRun(made.run), outcome: template.example?.outcome ?? '' } } : {};
    return c.json({ template: template.key, rule: made.rule, ...(made.run ? { dry_run: made.run } : {}), ...example, ...(savedRule ? { saved: savedRule } : {}) }, savedRule ? 201 : 200);
  });
  app.post('/preview', async (c) => {
    const template = saved(validateTemplate(withExpected(await readJson(c))), 'rule template');
    const guildId = guildOf(c);
    const events = template.example ? exampleEvents(template.example, guildId) : undefined;
    const made = await instantiateForGuild(c.get('services').database.db, guildId, template, exampleValues(template), events ? { events } : {});
    if (!made.ok) throw new ApiError('validation_failed', `template "${template.key}" does not fill into a valid rule for this guild`, made.problems);
    return c.json({ rule: made.rule, ...(made.run ? { dry_run: made.run, example: describeRun(made.run) } : {}) });
  });
  app.put('/:key', async (c) => {
    const document = withKey(await readJson(c), c.req.param('key'));
    const result = await c.get('services').database.db.transaction((tx) => saveRuleTemplate(tx, guildOf(c), document, actorOf(c)));
    if (!result.ok && 'conflict' in result) throw new ApiError('conflict', result.conflict);
    const value = saved(result, 'rule template');
    return c.json(fromGuild({ document: value.template as unknown as Record<string, unknown>, version: value.version }));
  });
  app.delete('/:key', async (c) => {
    const key = c.req.param('key');
    const removed = await c.get('services').database.db.transaction((tx) => deleteRuleTemplate(tx, guildOf(c), key, actorOf(c)));
    if (!removed) throw new ApiError('not_found', galleryTemplate(key) ? `"${key}" is a gallery template; only a guild's own templates can be deleted` : `no guild template "${key}"`);
    return c.json({ deleted: key });
  });
  return app;
}
