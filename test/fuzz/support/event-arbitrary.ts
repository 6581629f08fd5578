// Event envelopes for POST /events: valid events of every outside type (their data generated from
// the same zod schemas the server checks with), near-valid ones, hostile ones, single and in arrays.
import fc from 'fast-check';
import { z } from 'zod';
import { EventDataSchemas, EXTERNAL_EVENT_TYPES } from '../../../src/events/lake-event.ts';
import { extraKey, hostileValue, mutate, mutationKind } from './hostile.ts';
import { schemaArbitrary, type JsonSchema } from './schema-arbitrary.ts';

const snowflake = fc.bigInt({ min: 1000000000000000000n, max: 1999999999999999999n }).map(String);

/** A valid event of an outside type for the guild, dated within the last day (inside retention). */
export function validEvent(guildId: string, members: string[], now = Date.now()): fc.Arbitrary<Record<string, unknown>> {
  const byType = EXTERNAL_EVENT_TYPES.map((type) => {
    const schema = z.toJSONSchema(EventDataSchemas[type], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return fc.record({
      source_id: fc.stringMatching(/^fuzz-[a-z0-9]{6,16}$/),
      type: fc.constant(type),
      guild_id: fc.constant(guildId),
      actor_id: fc.constantFrom(...members),
      target_id: type === 'manual_award' ? fc.constantFrom(...members) : fc.option(fc.constantFrom(...members), { nil: null }),
      channel_id: fc.option(snowflake, { nil: null }),
      occurred_at: fc.integer({ min: 0, max: 86_400_000 }).map((ago) => new Date(now - ago).toISOString()),
      data: schemaArbitrary(schema, { components: {} }),
    });
  });
  return fc.oneof(...byType);
}

/** One event: valid, near-valid (one field changed) or hostile. */
export function anyEvent(guildId: string, members: string[]): fc.Arbitrary<unknown> {
  const valid = validEvent(guildId, members);
  const near = fc.tuple(valid, fc.nat(), mutationKind, hostileValue, extraKey).map(([v, pick, kind, hostile, key]) => mutate(v, pick, kind, hostile, key));
  return fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: near, weight: 4 }, { arbitrary: hostileValue, weight: 1 });
}

/** A request body for POST /events: one event, or an array mixing valid and hostile events. */
export function eventsBody(guildId: string, members: string[]): fc.Arbitrary<unknown> {
  const one = anyEvent(guildId, members);
  return fc.oneof(one, fc.array(one, { maxLength: 12 }));
}

/** Around the 1,000-event cap of one request: valid events with one odd event among them. */
export function crowdBody(guildId: string, members: string[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.array(validEvent(guildId, members), { minLength: 999, maxLength: 1_001 }), anyEvent(guildId, members), fc.nat())
    .map(([all, odd, at]) => [...all.slice(0, at % all.length), odd, ...all.slice(at % all.length)]);
}
