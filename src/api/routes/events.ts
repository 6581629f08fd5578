// POST /api/guilds/:guildId/events — one LakeEvent or an array, written in one transaction; the answer
// says, per event, whether it was accepted, a duplicate, ignored (Data sources) or rejected and why.
import { Hono } from 'hono';
import { ApiError } from '../errors.ts';
import { readJson } from '../validate.ts';
import type { AppEnv } from '../types.ts';

export const MAX_EVENTS_PER_REQUEST = 5000;

export function eventRoutes() {
  return new Hono<AppEnv>().post('/', async (c) => {
    const services = c.get('services');
    const guildId = c.req.param('guildId')!;
    // Text Postgres cannot store is refused per event (its valid siblings are kept), not per body.
    const body = await readJson(c, { storableText: false });
    const inputs = Array.isArray(body) ? body : [body];
    if (inputs.length === 0) throw new ApiError('validation_failed', 'expected one event or a non-empty array of events', [{ path: '(root)', message: 'must not be empty' }]);
    if (inputs.length > MAX_EVENTS_PER_REQUEST) {
      throw new ApiError('payload_too_large', `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${inputs.length}`);
    }
    // All or nothing for the request: an error answer means nothing of it was written. Concurrent
    // requests may share the transaction (group commit); another request's failure never fails this one.
    const result = await services.pipeline.ingest(inputs, { origin: 'api', guildId, atomic: true });
    services.metrics.eventsIngested.inc({ outcome: 'accepted', origin: 'api' }, result.accepted);
    services.metrics.eventsIngested.inc({ outcome: 'duplicate', origin: 'api' }, result.duplicate);
    services.metrics.eventsIngested.inc({ outcome: 'rejected', origin: 'api' }, result.rejected.length);
    if (result.ignored) services.metrics.eventsIngested.inc({ outcome: 'ignored', origin: 'api' }, result.ignored);
    // Nothing valid in the request: the caller's input is at fault, and nothing was written.
    if (result.rejected.length === inputs.length) {
      throw new ApiError('validation_failed', `${result.rejected.length} event(s) rejected; nothing was written`, result.rejected);
    }
    return c.json(result, 200);
  });
}
