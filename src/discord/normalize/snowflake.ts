// Time inside a Discord snowflake: the top 42 bits are milliseconds since Discord's epoch (2015).
const DISCORD_EPOCH = 1420070400000n;

export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

export function snowflakeIso(id: string): string {
  return new Date(snowflakeTime(id)).toISOString();
}
