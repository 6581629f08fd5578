// GUILD_ROLE_CREATE and GUILD_ROLE_UPDATE → the role in the directory.
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseRoleEvent } from '../normalize/role.ts';

const roleUpsert = (dispatch: 'GUILD_ROLE_CREATE' | 'GUILD_ROLE_UPDATE'): DispatchListener => ({
  name: dispatch === 'GUILD_ROLE_CREATE' ? 'role-create' : 'role-update',
  dispatch,
  run(context, data) {
    const parsed = parseRoleEvent(data);
    if (!parsed.ok) return reportMalformed(context, dispatch, parsed.problems);
    if (parsed.record) context.directory.upsertRole(parsed.record);
  },
});

export const roleCreate = roleUpsert('GUILD_ROLE_CREATE');
export const roleUpdate = roleUpsert('GUILD_ROLE_UPDATE');
