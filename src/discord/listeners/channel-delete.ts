// CHANNEL_DELETE → the channel marked deleted in the directory; its name stays for history.
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseChannelDelete } from '../normalize/channel.ts';

export const channelDelete: DispatchListener = {
  name: 'channel-delete',
  dispatch: 'CHANNEL_DELETE',
  run(context, data) {
    const parsed = parseChannelDelete(data);
    if (!parsed.ok) return reportMalformed(context, 'CHANNEL_DELETE', parsed.problems);
    if (parsed.record) context.directory.deleteChannel(parsed.record.guildId, parsed.record.channelId, context.clock.now());
  },
};
