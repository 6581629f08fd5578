// /api/guilds/:guildId/faq — FAQ entries (CRUD, each save a configuration version), ranked search,
// and the searches that found no answer (listed for admins, dismissed one by one).
import { Hono } from 'hono';
import { z } from 'zod';
import { audit } from '../../audit/audit.ts';
import { deleteFaqEntry, getFaqEntry, listFaqEntries, saveFaqEntry } from '../../faq/repository.ts';
import { FaqEntrySchema } from '../../faq/schema.ts';
import { MAX_QUERY } from '../../faq/query.ts';
import { isGoodHit, searchFaq } from '../../faq/search.ts';
import { dismissUnanswered, listUnanswered } from '../../faq/unanswered.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { Deleted } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

export const FaqEntryOut = FaqEntrySchema.extend({
  author_id: z.string().nullable(),
  views: z.number(),
  helpful: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: 'FaqEntry' });
export const FaqHitOut = z
  .object({ key: z.string(), question: z.string(), answer: z.string(), tags: z.array(z.string()), author_id: z.string().nullable(), rank: z.number(), coverage: z.number() })
  .meta({ id: 'FaqHit' });
export const FaqSearchOut = z.object({ query: z.string(), good: z.boolean(), results: z.array(FaqHitOut) }).meta({ id: 'FaqSearch' });
export const UnansweredOut = z
  .object({ id: z.number(), query: z.string(), count: z.number(), first_asked_at: z.string(), last_asked_at: z.string(), last_asked_by: z.string().nullable() })
  .meta({ id: 'FaqUnanswered' });

const SearchQuery = z.object({
  q: z.string({ error: 'is required' }).min(1, { error: 'must not be empty' }).max(MAX_QUERY, { error: `must be at most ${MAX_QUERY} characters` }),
  limit: z.coerce.number().int().min(1).max(25).default(10),
});
const UnansweredId = z.coerce.number().int().min(1).max(2_147_483_647);

const P = '/api/guilds/{guildId}/faq';
export const faqDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List FAQ entries with their views and helpful votes', tag: 'faq', response: z.array(FaqEntryOut) },
  { method: 'get', path: `${P}/search`, summary: 'Search the FAQ, ranked (full-text and trigram similarity); good is false when nothing answers it', tag: 'faq', query: SearchQuery, response: FaqSearchOut },
  { method: 'get', path: `${P}/unanswered`, summary: 'Searches that found no good answer, most asked first', tag: 'faq', response: z.array(UnansweredOut) },
  { method: 'delete', path: `${P}/unanswered/{id}`, summary: 'Dismiss an unanswered search', tag: 'faq', response: z.object({ dismissed: z.number() }), statuses: [404] },
  { method: 'get', path: `${P}/{key}`, summary: 'Read an FAQ entry', tag: 'faq', response: FaqEntryOut, statuses: [404] },
  { method: 'put', path: `${P}/{key}`, summary: 'Create or update an FAQ entry (question, Markdown answer, tags, alternative phrasings)', tag: 'faq', body: FaqEntrySchema, response: FaqEntryOut },
  { method: 'delete', path: `${P}/{key}`, summary: 'Delete an FAQ entry (its versions stay, so it can be restored)', tag: 'faq', response: Deleted, statuses: [404] },
];

export function faqRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await listFaqEntries(c.get('services').database.db, guildOf(c))));
  app.get('/search', async (c) => {
    const { q, limit } = parseWith(SearchQuery, c.req.query(), 'query');
    const results = await searchFaq(c.get('services').database.db, guildOf(c), q, { limit });
    return c.json({ query: q, good: isGoodHit(results[0]), results });
  });
  app.get('/unanswered', async (c) => c.json(await listUnanswered(c.get('services').database.db, guildOf(c))));
  app.delete('/unanswered/:id', async (c) => {
    const parsed = UnansweredId.safeParse(c.req.param('id'));
    if (!parsed.success) throw new ApiError('validation_failed', 'the id is invalid', [{ path: 'id', message: 'must be a whole number from 1 to 2147483647' }]);
    const { db } = c.get('services').database;
    const guildId = guildOf(c);
    const removed = await db.transaction(async (tx) => {
      const row = await dismissUnanswered(tx, guildId, parsed.data);
      if (row) await audit(tx, { guildId, actor: actorOf(c), action: 'faq.unanswered.dismiss', entityType: 'faq', entityKey: null, before: row, after: null });
      return row;
    });
    if (!removed) throw new ApiError('not_found', `no unanswered search ${parsed.data}`);
    return c.json({ dismissed: removed.id });
  });
  app.get('/:key', async (c) => {
    const found = await getFaqEntry(c.get('services').database.db, guildOf(c), c.req.param('key'));
    if (!found) throw new ApiError('not_found', `no FAQ entry "${c.req.param('key')}"`);
    return c.json(found);
  });
  app.put('/:key', async (c) => {
    const { db } = c.get('services').database;
    const body = withKey(await readJson(c), c.req.param('key'));
    return c.json(saved(await db.transaction((tx) => saveFaqEntry(tx, guildOf(c), body, actorOf(c))), 'FAQ entry'));
  });
  app.delete('/:key', async (c) => {
    const { db } = c.get('services').database;
    const key = c.req.param('key');
    const removed = await db.transaction((tx) => deleteFaqEntry(tx, guildOf(c), key, actorOf(c)));
    if (!removed) throw new ApiError('not_found', `no FAQ entry "${key}"`);
    return c.json({ deleted: key });
  });
  return app;
}
