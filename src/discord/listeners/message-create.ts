// MESSAGE_CREATE → message_create (a thread's messages count in its parent channel). With AI on,
// the text is held in memory beside the event for rules that read ai_quality, never stored.
import { holdContent } from '../../pipeline/signals.ts';
import type { DispatchListener } from '../listener.ts';
import { emitNormalized, field } from '../listener.ts';
import { normalizeMessage } from '../normalize/message.ts';

export const messageCreate: DispatchListener = {
  name: 'message-create',
  dispatch: 'MESSAGE_CREATE',
  run(context, data) {
    const channel = context.client.channels.cache.get(field(data, 'channel_id') ?? '');
    const threadParentId = channel?.isThread() ? channel.parentId : null;
    const result = normalizeMessage(data, { threadParentId });
    const content = field(data, 'content');
    if (context.ai?.enabled && result.ok && result.event && content) holdContent(result.event, content);
    emitNormalized(context, 'MESSAGE_CREATE', result);
  },
};
