// MESSAGE_CREATE → the author's name and avatar refreshed in the members table when they differ
// from what Cairn last wrote (compared in memory: ordinary chat writes nothing).
import type { DispatchListener } from '../listener.ts';
import { messageAuthorRecord } from '../normalize/message-author.ts';

export const messageAuthor: DispatchListener = {
  name: 'message-author',
  dispatch: 'MESSAGE_CREATE',
  run(context, data) {
    const record = messageAuthorRecord(data);
    if (record) context.members.refresh(record);
  },
};
