// A guild's last 30 days, generated and ingested through the real pipeline (lake, counters,
// ledger): 60 active members whose message counts are 1…57 plus three heavy posters (so the top 5%
// earn most of the XP), ten members who start threads no rule pays for, and reactions paid in a
// spendable currency nobody spends.
import type { Database } from '../../src/db/client.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import type { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { seedGuild } from '../support/factories.ts';

export interface History {
  members: string[];
  /** Messages each member sent in the window. */
  messages: Map<string, number>;
  heavy: string[];
  threadStarters: string[];
}

export const memberId = (i: number) => String(800_000_000_000_000_000n + BigInt(i));
const CHANNEL = '1111111111111111111';

export async function generateHistory(database: Database, pipeline: IngestPipeline, guildId: string, now: Date, options: { members?: number; heavy?: number; heavyMessages?: number } = {}): Promise<History> {
  const light = (options.members ?? 60) - (options.heavy ?? 3);
  const heavyCount = options.heavy ?? 3;
  await seedGuild(database, { guildId, currencies: [{ key: 'xp' }, { key: 'coins', spendable: true }] });
  for (const rule of [
    { key: 'msg-xp', name: 'XP for messages', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 10 }] },
    { key: 'react-coins', name: 'Coins for reactions received', trigger: { events: ['reaction_add'], exclude_self: true, has_target: true }, effects: [{ type: 'credit', to: 'target', currency: 'coins', amount: 2 }] },
  ]) {
    const saved = await database.db.transaction((tx) => saveRule(tx, guildId, rule, 'test'));
    if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
  }

  const members = Array.from({ length: light + heavyCount }, (_, i) => memberId(i));
  const heavy = members.slice(light);
  const messages = new Map(members.map((m, i) => [m, i < light ? i + 1 : (options.heavyMessages ?? 700)]));
  const threadStarters = members.slice(0, 10);
  const span = 29 * 86_400_000;
  const start = now.getTime() - span - 3_600_000;
  let seq = 0;
  const events: LakeEvent[] = [];
  const at = (k: number, n: number) => new Date(start + Math.floor(((k + 0.5) / n) * span)).toISOString();
  const base = (type: LakeEvent['type'], actor: string, occurred_at: string): LakeEvent => ({ source_id: `gen-${++seq}`, type, guild_id: guildId, actor_id: actor, target_id: null, channel_id: CHANNEL, occurred_at, data: {} });
  for (const m of members) {
    const n = messages.get(m)!;
    for (let k = 0; k < n; k++) events.push({ ...base('message_create', m, at(k, n)), data: { length: 80, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false } });
  }
  for (const m of threadStarters) for (let k = 0; k < 6; k++) events.push({ ...base('thread_create', m, at(k, 6)), data: { name: 'a thread' } });
  // Thirty members each react twice to the next member's message.
  for (let i = 0; i < 30; i++) {
    for (let k = 0; k < 2; k++) events.push({ ...base('reaction_add', members[i]!, at(k, 2)), target_id: members[(i + 1) % members.length]!, data: { emoji: '👍', message_id: String(1300000000000000000n + BigInt(seq)) } });
  }
  events.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
  for (let i = 0; i < events.length; i += 500) await pipeline.ingestEvents(events.slice(i, i + 500), 'api');
  return { members, messages, heavy, threadStarters };
}
