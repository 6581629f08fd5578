// INTERACTION_CREATE (slash command) → a `command` event, so rules can reward e.g. a daily check-in.
import type { DispatchListener } from '../listener.ts';
import { emitNormalized } from '../listener.ts';
import { normalizeCommand } from '../normalize/command.ts';

export const commandUsed: DispatchListener = {
  name: 'command-used',
  dispatch: 'INTERACTION_CREATE',
  run(context, data) {
    emitNormalized(context, 'INTERACTION_CREATE', normalizeCommand(data));
  },
};
