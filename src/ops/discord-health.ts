// The Discord gateway as the health page shows it: overall state, ping, and each shard's state.
// Reads the running bot's client; no discord.js import (it is loaded only when a bot runs).
import type { DiscordBot } from '../discord/bot.ts';

export interface DiscordHealth {
  state: 'disabled' | 'connecting' | 'ready';
  /** Average heartbeat round trip in ms (null before the first heartbeat). */
  pingMs: number | null;
  shards: { id: number; status: string; pingMs: number | null }[];
}

// discord.js's Status enum, by value.
const SHARD_STATUS = ['ready', 'connecting', 'reconnecting', 'idle', 'nearly', 'disconnected', 'waiting_for_guilds', 'identifying', 'resuming'];

export function discordHealth(bot: DiscordBot | undefined): DiscordHealth {
  if (!bot) return { state: 'disabled', pingMs: null, shards: [] };
  const ws = bot.client.ws as unknown as { ping: number; shards?: Map<number, { id: number; status: number; ping: number }> };
  const ping = (v: number) => (Number.isFinite(v) && v >= 0 ? Math.round(v) : null);
  const shards = [...(ws.shards?.values() ?? [])].map((s) => ({ id: s.id, status: SHARD_STATUS[s.status] ?? String(s.status), pingMs: ping(s.ping) }));
  return { state: bot.status(), pingMs: ping(ws.ping), shards };
}
