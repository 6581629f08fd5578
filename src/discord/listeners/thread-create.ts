// THREAD_CREATE → thread_create for threads just started by a member.
import type { DispatchListener } from '../listener.ts';
import { emitNormalized, field } from '../listener.ts';
import { normalizeThread } from '../normalize/thread.ts';

export const threadCreate: DispatchListener = {
  name: 'thread-create',
  dispatch: 'THREAD_CREATE',
  run(context, data) {
    const owner = field(data, 'owner_id');
    const ownerIsBot = Boolean(owner && (owner === context.client.user?.id || context.client.users.cache.get(owner)?.bot));
    emitNormalized(context, 'THREAD_CREATE', normalizeThread(data, { ownerIsBot }));
  },
};
