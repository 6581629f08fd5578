// DISCORD_SHARD_COUNT and DISCORD_SHARDS: the spec parser, guild routing, and the clear refusals at
// start-up (bad syntax, ids listed twice, ids beyond the count).
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { parseShardIds, resolveShardIds, shardOf, ShardSet, ShardSpecError } from '../../src/discord/shards.ts';

const refusal = (env: Record<string, string>) => {
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('the environment was accepted');
};

describe('shard ids', () => {
  it('reads ranges and lists, sorted', () => {
    expect(parseShardIds('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseShardIds('5,4')).toEqual([4, 5]);
    expect(parseShardIds(' 0-1 , 6 ')).toEqual([0, 1, 6]);
  });

  it('refuses bad syntax, backward ranges and overlaps, naming the part', () => {
    expect(() => parseShardIds('0-')).toThrow(ShardSpecError);
    expect(() => parseShardIds('a')).toThrow('"a" is not a shard id or range');
    expect(() => parseShardIds('3-1')).toThrow('range 3-1 runs backwards');
    expect(() => parseShardIds('0-3,2')).toThrow('shard 2 is listed twice');
  });

  it('routes a guild to (id >> 22) % count, as Discord does', () => {
    expect(shardOf('41771983423143937', 1)).toBe(0);
    expect(shardOf(String((1000n << 22n) + 5n), 4)).toBe(0);
    expect(shardOf(String((1003n << 22n) + 5n), 4)).toBe(3);
    const set = new ShardSet([2, 3], 4);
    expect(set.owns(String(1002n << 22n))).toBe(true);
    expect(set.owns(String(1001n << 22n))).toBe(false);
    expect(set.owns('not a snowflake')).toBe(false);
  });

  it('settles ids against the count Discord recommends (auto), refusing those beyond it', () => {
    expect(resolveShardIds({ count: 'auto', ids: 'all' }, 3)).toEqual([0, 1, 2]);
    expect(resolveShardIds({ count: 'auto', ids: [4, 5] }, 8)).toEqual([4, 5]);
    expect(() => resolveShardIds({ count: 'auto', ids: [4, 5] }, 4)).toThrow('shard 4, 5 is out of range: the shard count is 4 (ids 0-3)');
  });
});

describe('the environment', () => {
  it('takes a count and this process’s ids, or auto, or neither (one shard)', () => {
    expect(parseEnv({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '2-3' })).toMatchObject({ DISCORD_SHARD_COUNT: 4, DISCORD_SHARDS: [2, 3] });
    const auto = parseEnv({ DISCORD_SHARD_COUNT: 'auto' });
    expect([auto.DISCORD_SHARD_COUNT, auto.DISCORD_SHARDS]).toEqual(['auto', undefined]);
    const none = parseEnv({});
    expect([none.DISCORD_SHARD_COUNT, none.DISCORD_SHARDS]).toEqual([undefined, undefined]);
  });

  it('refuses ids out of range, overlapping ids, bad syntax, ids without a count, and a bad count', () => {
    expect(refusal({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '3-5' })).toEqual([{ variable: 'DISCORD_SHARDS', message: 'lists shard 4, 5, out of range for DISCORD_SHARD_COUNT=4 (ids 0-3)' }]);
    expect(refusal({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '0-2,1' })).toEqual([{ variable: 'DISCORD_SHARDS', message: 'shard 1 is listed twice' }]);
    expect(refusal({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '0..3' })).toEqual([{ variable: 'DISCORD_SHARDS', message: '"0..3" is not a shard id or range (use e.g. 0-3 or 4,5)' }]);
    expect(refusal({ DISCORD_SHARDS: '0-1' })[0]).toMatchObject({ variable: 'DISCORD_SHARDS', message: expect.stringContaining('needs DISCORD_SHARD_COUNT') });
    expect(refusal({ DISCORD_SHARD_COUNT: 'many' })[0]).toMatchObject({ variable: 'DISCORD_SHARD_COUNT' });
    expect(refusal({ DISCORD_SHARD_COUNT: '0' })[0]).toMatchObject({ variable: 'DISCORD_SHARD_COUNT', message: 'must be 1 or more, or auto' });
  });
});
