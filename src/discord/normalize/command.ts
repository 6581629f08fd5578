// INTERACTION_CREATE (a slash command in a guild) → command: the invoker, the first member option
// as target, the command's full name ("season roll") and its option values.
import { z } from 'zod';
import { GatewayMember, Snowflake } from './gateway-schemas.ts';
import { accept, parsePayload, skip, type Normalized } from './result.ts';
import { snowflakeIso } from './snowflake.ts';

interface CommandOption {
  name: string;
  type: number;
  value?: unknown;
  options?: CommandOption[];
}

const Option: z.ZodType<CommandOption> = z.lazy(() =>
  z.object({ name: z.string(), type: z.number().int(), value: z.unknown().optional(), options: z.array(Option).optional() }),
);

const Interaction = z.object({
  id: Snowflake,
  type: z.number().int(),
  guild_id: Snowflake.optional(),
  channel_id: Snowflake.optional(),
  member: GatewayMember.optional(),
  data: z.object({ name: z.string().min(1), type: z.number().int().optional(), options: z.array(Option).default([]) }).optional(),
});

const APPLICATION_COMMAND = 2;
const CHAT_INPUT = 1;
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const USER = 6;

export function normalizeCommand(data: unknown): Normalized {
  const parsed = parsePayload(Interaction, data);
  if (!parsed.ok) return parsed;
  const i = parsed.value;
  if (i.type !== APPLICATION_COMMAND) return skip('not a slash command');
  if (!i.data) return { ok: false, problems: ['data: is required for an application command'] };
  if ((i.data.type ?? CHAT_INPUT) !== CHAT_INPUT) return skip('context-menu command');
  if (!i.guild_id || !i.member) return skip('command outside a guild');
  // Asking for one's data or its erasure is not activity to keep (or to reward).
  if (i.data.name === 'privacy') return skip('privacy request');
  const path = [i.data.name];
  let options = i.data.options;
  while (options.length === 1 && (options[0]!.type === SUB_COMMAND || options[0]!.type === SUB_COMMAND_GROUP)) {
    path.push(options[0]!.name);
    options = options[0]!.options ?? [];
  }
  const values: Record<string, unknown> = {};
  for (const o of options) values[o.name] = o.value ?? null;
  const target = options.find((o) => o.type === USER && typeof o.value === 'string');
  return accept({
    source_id: i.id,
    type: 'command',
    guild_id: i.guild_id,
    actor_id: i.member.user.id,
    target_id: (target?.value as string | undefined) ?? null,
    channel_id: i.channel_id ?? null,
    occurred_at: snowflakeIso(i.id),
    data: { name: path.join(' ').slice(0, 64), options: values },
  });
}
