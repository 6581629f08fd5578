// Guilds spread over shards for the shard tests: `perShard` guilds on each of `count` shards, each
// with its own text channel (one discord.js client may hold several of them).
import { shardOf } from '../../src/discord/shards.ts';
import { guild, textChannel } from './support/payloads.ts';

export interface ShardedGuild {
  id: string;
  shard: number;
  channel: string;
  payload: Record<string, unknown>;
}

/** Snowflakes whose `>> 22` lands on the wanted shard (the creation-time bits choose the shard). */
export function shardedGuilds(count: number, perShard: number): ShardedGuild[] {
  const guilds: ShardedGuild[] = [];
  for (let shard = 0; shard < count; shard++) {
    for (let j = 0; j < perShard; j++) {
      const timestamp = 300_000_000_000n + BigInt(j * count + shard);
      const id = String((timestamp << 22n) + BigInt(j + 1));
      const channel = String((timestamp << 22n) + 4_000n + BigInt(j));
      if (shardOf(id, count) !== shard) throw new Error('guild id does not land on its shard');
      const payload = guild({ id, name: `Guild ${shard}.${j}`, channels: [textChannel(channel, { guild_id: id })] });
      guilds.push({ id, shard, channel, payload });
    }
  }
  return guilds;
}
