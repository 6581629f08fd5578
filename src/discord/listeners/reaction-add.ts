// MESSAGE_REACTION_ADD → reaction_add, credited to the reactor with the message's author as target.
import type { DispatchListener } from '../listener.ts';
import { emitNormalized } from '../listener.ts';
import { normalizeReaction } from '../normalize/reaction.ts';
import { reactionContext } from './reaction-context.ts';

export const reactionAdd: DispatchListener = {
  name: 'reaction-add',
  dispatch: 'MESSAGE_REACTION_ADD',
  run(context, data) {
    const at = context.clock.now().toISOString();
    emitNormalized(context, 'MESSAGE_REACTION_ADD', normalizeReaction('add', data, reactionContext(context.client, data, at)));
  },
};
