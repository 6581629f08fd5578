// PRESENCE_UPDATE → the presence session tracker (only with the presence intent; otherwise Discord
// sends none and the tracker does not exist).
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parsePresence } from '../normalize/presence.ts';

export const presenceUpdate: DispatchListener = {
  name: 'presence-update',
  dispatch: 'PRESENCE_UPDATE',
  async run(context, data) {
    if (!context.presence) return;
    const parsed = parsePresence(data);
    if (!parsed.ok) return reportMalformed(context, 'PRESENCE_UPDATE', parsed.problems);
    await context.presence.update(parsed.state);
  },
};
