// On a new database, a demo guild from the classic preset, with a week of made-up activity, so the
// panel has something to show before any Discord server is connected.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Database } from '../db/client.ts';
import { guilds } from '../db/schema.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { IngestPipeline } from '../pipeline/ingest.ts';
import { importRecipe } from '../presets/import.ts';
import { loadRecipeFile } from '../presets/load.ts';
import { DEMO_CHANNELS, DEMO_GUILD_ID, DEMO_MEMBER_IDS, fillDemoDirectory, seedDemoDirectory } from './demo-directory.ts';
import { demoAttendance, seedDemoScheduledEvents } from './demo-events.ts';

export { DEMO_GUILD_ID };
export const PRESETS_DIR = fileURLToPath(new URL('../../presets', import.meta.url));

/**
 * Creates the demo guild if the database has no guild at all. Returns true if it did. A demo guild
 * created before the directory existed gets its names, roles and channels.
 */
export async function ensureDemoGuild(database: Database, pipeline: IngestPipeline, now = new Date()): Promise<boolean> {
  const any = await database.db.select({ id: guilds.id }).from(guilds).limit(1);
  if (any.length > 0) {
    await fillDemoDirectory(database.db, now);
    return false;
  }
  await database.db.insert(guilds).values({ id: DEMO_GUILD_ID, name: 'Cairn Demo', isDemo: true }).onConflictDoNothing();
  const recipe = await loadRecipeFile(join(PRESETS_DIR, 'classic.json'));
  const imported = await importRecipe(database.db, DEMO_GUILD_ID, recipe, { actor: 'demo', allowUnbound: true });
  if (!imported.ok) throw new Error(`the classic preset does not import: ${JSON.stringify(imported.problems)}`);
  await pipeline.ingestEvents(demoActivity(now), 'simulator');
  // After the activity, so the members' roles cannot change what the preset's rules paid.
  await seedDemoDirectory(database.db, now);
  await seedDemoScheduledEvents(database.db, now);
  await pipeline.ingestEvents(demoAttendance(now), 'simulator');
  return true;
}

/** A deterministic week of messages, reactions, threads and voice for a dozen members. */
export function demoActivity(now: Date, count = 400): LakeEvent[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const members = DEMO_MEMBER_IDS.slice(0, 12); // the bot (the 13th) takes no part
  const channels = [DEMO_CHANNELS.general, DEMO_CHANNELS.help, DEMO_CHANNELS.showcase];
  const start = now.getTime() - 7 * 86_400_000;
  const events: LakeEvent[] = [];
  for (let i = 0; i < count; i++) {
    // Busier members talk more: pick with a skew toward the first ones.
    const actor = members[Math.floor(Math.pow(next(), 1.7) * members.length)]!;
    const at = new Date(start + Math.floor((i / count) * 7 * 86_400_000 + next() * 600_000)).toISOString();
    const base = { source_id: `demo-${i}`, guild_id: DEMO_GUILD_ID, actor_id: actor, target_id: null as string | null, channel_id: channels[Math.floor(next() * channels.length)]!, occurred_at: at };
    const r = next();
    if (r < 0.6) {
      events.push({ ...base, type: 'message_create', data: { length: Math.floor(next() * 700), has_code_block: next() < 0.15, has_link: next() < 0.2, has_attachment: next() < 0.1, attachment_count: 0, emoji_count: Math.floor(next() * 4), is_reply: next() < 0.3 } });
    } else if (r < 0.88) {
      events.push({ ...base, type: 'reaction_add', target_id: members[Math.floor(next() * members.length)]!, data: { emoji: '👍', message_id: String(2000000000000000000n + BigInt(i)), unique_reactor_count: 1 + Math.floor(next() * 6), message_age_seconds: Math.floor(next() * 3600) } });
    } else if (r < 0.94) {
      events.push({ ...base, type: 'thread_create', data: { name: 'discussion' } });
    } else {
      // Voice happens in the voice lounge (the text channel drawn above keeps the random sequence).
      events.push({ ...base, channel_id: DEMO_CHANNELS.lounge, type: 'voice_session_end', data: { duration_seconds: Math.floor(next() * 5400), is_afk: false } });
    }
  }
  return events;
}
