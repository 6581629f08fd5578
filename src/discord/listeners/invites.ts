// INVITE_CREATE and INVITE_DELETE keep the invite tracker's copy of each guild's invites
// (discord/invites.ts), so a join can be matched to the invite whose uses went up.
import { z } from 'zod';
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { Snowflake } from '../normalize/gateway-schemas.ts';
import { parsePayload } from '../normalize/result.ts';

const InviteCreate = z.object({
  guild_id: Snowflake,
  code: z.string().min(1).max(32),
  uses: z.number().int().min(0).optional(),
  max_uses: z.number().int().min(0).optional(),
  inviter: z.object({ id: Snowflake }).nullable().optional(),
});
const InviteDelete = z.object({ guild_id: Snowflake, code: z.string().min(1).max(32) });

export const inviteCreate: DispatchListener = {
  name: 'invite-create',
  dispatch: 'INVITE_CREATE',
  run(context, data) {
    const parsed = parsePayload(InviteCreate, data);
    if (!parsed.ok) return reportMalformed(context, 'INVITE_CREATE', parsed.problems);
    context.invites?.created(parsed.value.guild_id, parsed.value);
  },
};

export const inviteDelete: DispatchListener = {
  name: 'invite-delete',
  dispatch: 'INVITE_DELETE',
  run(context, data) {
    const parsed = parsePayload(InviteDelete, data);
    if (!parsed.ok) return reportMalformed(context, 'INVITE_DELETE', parsed.problems);
    context.invites?.deleted(parsed.value.guild_id, parsed.value.code);
  },
};
