// GUILD_CREATE → the guild's scheduled events backfilled: what it lists now replaces what was
// stored (events it no longer lists ended while the bot was away). Malformed entries are reported
// and skipped (and not taken for ended).
import type { DispatchListener } from '../listener.ts';
import { field, reportMalformed } from '../listener.ts';
import { Snowflake } from '../normalize/gateway-schemas.ts';
import { parseScheduledEventList } from '../normalize/guild-scheduled-event.ts';

export const guildScheduledEvents: DispatchListener = {
  name: 'guild-scheduled-events',
  dispatch: 'GUILD_CREATE',
  async run(context, data) {
    const guildId = Snowflake.safeParse(field(data, 'id'));
    if (!guildId.success) return; // guild-create reports it
    const list = parseScheduledEventList(guildId.data, data);
    if (!list) return;
    if (list.problems.length > 0) reportMalformed(context, 'GUILD_CREATE', list.problems.slice(0, 10));
    await context.scheduledEvents.replace(guildId.data, list.records, list.presentIds, context.clock.now());
  },
};
