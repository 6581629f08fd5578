// GUILD_ROLE_DELETE → the role marked deleted in the directory (gone from pickers, name kept).
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseRoleDelete } from '../normalize/role.ts';

export const roleDelete: DispatchListener = {
  name: 'role-delete',
  dispatch: 'GUILD_ROLE_DELETE',
  run(context, data) {
    const parsed = parseRoleDelete(data);
    if (!parsed.ok) return reportMalformed(context, 'GUILD_ROLE_DELETE', parsed.problems);
    if (parsed.record) context.directory.deleteRole(parsed.record.guildId, parsed.record.roleId, context.clock.now());
  },
};
