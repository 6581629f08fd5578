// MESSAGE_REACTION_REMOVE → reaction_remove.
import type { DispatchListener } from '../listener.ts';
import { emitNormalized } from '../listener.ts';
import { normalizeReaction } from '../normalize/reaction.ts';
import { reactionContext } from './reaction-context.ts';

export const reactionRemove: DispatchListener = {
  name: 'reaction-remove',
  dispatch: 'MESSAGE_REACTION_REMOVE',
  run(context, data) {
    const at = context.clock.now().toISOString();
    emitNormalized(context, 'MESSAGE_REACTION_REMOVE', normalizeReaction('remove', data, reactionContext(context.client, data, at)));
  },
};
