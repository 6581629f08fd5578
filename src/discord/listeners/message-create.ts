// MESSAGE_CREATE → message_create (a thread's messages count in its parent channel).
import type { DispatchListener } from '../listener.ts';
import { emitNormalized, field } from '../listener.ts';
import { normalizeMessage } from '../normalize/message.ts';

export const messageCreate: DispatchListener = {
  name: 'message-create',
  dispatch: 'MESSAGE_CREATE',
  run(context, data) {
    const channel = context.client.channels.cache.get(field(data, 'channel_id') ?? '');
    const threadParentId = channel?.isThread() ? channel.parentId : null;
    emitNormalized(context, 'MESSAGE_CREATE', normalizeMessage(data, { threadParentId }));
  },
};
