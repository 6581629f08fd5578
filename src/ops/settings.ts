// The operations keys of a guild's settings (spread into GuildSettingsPatch): the pause switch and
// the ops channel. Kept apart from ops/pause.ts so the settings schema does not load the pipeline.
import { z } from 'zod';
import { Snowflake } from '../events/lake-event.ts';

export const OpsSettings = {
  paused: z.boolean().meta({ description: 'payouts and Discord side effects wait while true; events are still captured, and paid in order on unpause' }),
  ops_channel_id: Snowflake.nullable().meta({ description: "the channel where Cairn posts this guild's errors and warnings (throttled)" }),
};
