// On a new database, a demo guild so the panel has something to show.
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { currencies, guilds } from '../db/schema.ts';

export const DEMO_GUILD_ID = '1000000000000000001';

/** Creates the demo guild if the database has no guild at all. Returns true if it did. */
export async function ensureDemoGuild(database: Database): Promise<boolean> {
  return database.db.transaction(async (tx) => {
    const any = await tx.select({ id: guilds.id }).from(guilds).limit(1);
    if (any.length > 0) return false;
    await tx.insert(guilds).values({ id: DEMO_GUILD_ID, name: 'Cairn Demo', isDemo: true });
    const existing = await tx.select().from(currencies).where(eq(currencies.guildId, DEMO_GUILD_ID));
    if (existing.length === 0) {
      await tx.insert(currencies).values([
        { guildId: DEMO_GUILD_ID, key: 'xp', name: 'XP', symbol: '✦', displayOrder: 0 },
        { guildId: DEMO_GUILD_ID, key: 'stars', name: 'Stars', symbol: '⭐', seasonal: true, displayOrder: 1 },
        { guildId: DEMO_GUILD_ID, key: 'gold', name: 'Gold', symbol: '🪙', spendable: true, displayOrder: 2 },
      ]);
    }
    return true;
  });
}
