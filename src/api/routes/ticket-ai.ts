// /api/guilds/:guildId/tickets/:number/suggestions — replies staff could send on a ticket: the
// matching FAQ answers, or with AI on, short replies Gemini writes from those entries only.
import { Hono } from 'hono';
import { z } from 'zod';
import type { FaqLookup } from '../../tickets/faq-lookup.ts';
import { suggestReplies } from '../../tickets/suggestions.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const TicketParams = z.object({ number: z.string().regex(/^[1-9][0-9]{0,8}$/, 'must be a ticket number (1, 2, …)').transform(Number) });

export const ReplySuggestionsOut = z
  .object({
    ai: z.enum(['on', 'off']).meta({ description: "whether AI is on for this server's tickets" }),
    note: z.string().optional().meta({ description: 'why the suggestions are FAQ answers rather than AI replies, or why there are none' }),
    suggestions: z.array(
      z.object({
        text: z.string(),
        source: z.enum(['ai', 'faq']).meta({ description: 'written by the AI from the FAQ, or an FAQ answer as it stands' }),
        faq_entry: z.object({ key: z.string(), question: z.string() }).optional(),
      }),
    ),
  })
  .meta({ id: 'TicketReplySuggestions' });

export const ticketAiDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/guilds/{guildId}/tickets/{number}/suggestions',
    summary: 'Replies staff could send on a ticket: matching FAQ answers, or AI replies grounded in them when AI is on',
    tag: 'tickets',
    response: ReplySuggestionsOut,
    statuses: [404],
  },
];

export function ticketAiRoutes(faq: FaqLookup) {
  return new Hono<AppEnv>().get('/:number/suggestions', async (c) => {
    const { number } = parseWith(TicketParams, { number: c.req.param('number') }, 'ticket number');
    const { ai, database } = c.get('services');
    const answer = await suggestReplies({ ai, db: database.db, faq }, guildOf(c), number);
    if (!answer) throw new ApiError('not_found', `this server has no ticket #${number}`);
    return c.json(answer);
  });
}
