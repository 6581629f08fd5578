// INTERACTION_CREATE (slash command) → a `command` event, so rules can react to Cairn's own
// commands. A guild's custom commands record their event themselves, after checking who may use
// them and the cooldown (src/discord/commands/custom.ts), so they are skipped here.
import type { DispatchListener } from '../listener.ts';
import { emitNormalized } from '../listener.ts';
import { normalizeCommand } from '../normalize/command.ts';

const commandName = (data: unknown): unknown => (data as { data?: { name?: unknown } } | null)?.data?.name;

export const commandUsed: DispatchListener = {
  name: 'command-used',
  dispatch: 'INTERACTION_CREATE',
  run(context, data) {
    const name = commandName(data);
    if (typeof name === 'string' && !context.commands.some((c) => c.data.name === name)) return;
    emitNormalized(context, 'INTERACTION_CREATE', normalizeCommand(data));
  },
};
