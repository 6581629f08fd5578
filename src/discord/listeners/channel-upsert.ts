// CHANNEL_CREATE and CHANNEL_UPDATE → the channel in the directory (threads and DMs are not in it).
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseChannelEvent } from '../normalize/channel.ts';

const channelUpsert = (dispatch: 'CHANNEL_CREATE' | 'CHANNEL_UPDATE'): DispatchListener => ({
  name: dispatch === 'CHANNEL_CREATE' ? 'channel-create' : 'channel-update',
  dispatch,
  run(context, data) {
    const parsed = parseChannelEvent(data);
    if (!parsed.ok) return reportMalformed(context, dispatch, parsed.problems);
    if (parsed.record) context.directory.upsertChannel(parsed.record);
  },
});

export const channelCreate = channelUpsert('CHANNEL_CREATE');
export const channelUpdate = channelUpsert('CHANNEL_UPDATE');
