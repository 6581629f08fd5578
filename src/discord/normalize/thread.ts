// THREAD_CREATE → thread_create, only for threads just started (the gateway also sends THREAD_CREATE
// when the bot is added to an existing thread, without newly_created).
import { z } from 'zod';
import { Snowflake } from './gateway-schemas.ts';
import { accept, parsePayload, skip, type Normalized } from './result.ts';
import { snowflakeIso } from './snowflake.ts';

const ThreadCreate = z.object({
  id: Snowflake,
  guild_id: Snowflake,
  parent_id: Snowflake.nullable().optional(),
  owner_id: Snowflake.optional(),
  name: z.string().default(''),
  newly_created: z.boolean().optional(),
  thread_metadata: z.object({ create_timestamp: z.string().nullable().optional() }).optional(),
});

export interface ThreadContext {
  ownerIsBot?: boolean;
}

export function normalizeThread(data: unknown, context: ThreadContext = {}): Normalized {
  const parsed = parsePayload(ThreadCreate, data);
  if (!parsed.ok) return parsed;
  const t = parsed.value;
  if (!t.newly_created) return skip('existing thread (the bot was added to it)');
  if (!t.owner_id) return { ok: false, problems: ['owner_id: is required for a new thread'] };
  if (context.ownerIsBot) return skip('thread started by a bot');
  return accept({
    source_id: t.id,
    type: 'thread_create',
    guild_id: t.guild_id,
    actor_id: t.owner_id,
    target_id: null,
    channel_id: t.parent_id ?? null,
    occurred_at: snowflakeIso(t.id),
    data: { name: t.name.slice(0, 100), ...(t.parent_id ? { parent_channel_id: t.parent_id } : {}) },
  });
}
