// Scratch databases for replays: the first a process makes is dumped and the next ones load the
// dump; each is empty, carries every migration, and sees nothing another one writes.
import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/db/client.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';
import { guilds } from '../../src/db/schema.ts';
import { openScratchDatabase } from '../../src/rules/scratch-database.ts';

const migrations = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;
const applied = async (database: Database) => (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int n FROM drizzle.__drizzle_migrations`))[0]!.n;
const guildIds = async (database: Database) => (await database.db.select({ id: guilds.id }).from(guilds)).map((g) => g.id);

describe('scratch databases', () => {
  it('are empty and fully migrated, the first made whole and the next loaded from its dump, and none sees what another writes', async () => {
    const first = await openScratchDatabase();
    try {
      expect(await applied(first)).toBe(migrations);
      await first.db.insert(guilds).values({ id: '1', name: 'first' });
      const [second, third] = await Promise.all([openScratchDatabase(), openScratchDatabase()]);
      try {
        for (const loaded of [second, third]) {
          expect(await applied(loaded)).toBe(migrations);
          expect(await guildIds(loaded)).toEqual([]);
        }
        await second.db.insert(guilds).values({ id: '2', name: 'second' });
        // The pg_trgm extension the migrations create still works in a loaded dump.
        expect((await queryRows<{ s: number }>(second.db, sql`SELECT similarity('cairn', 'cairns')::float8 s`))[0]!.s).toBeGreaterThan(0.5);
        expect(await guildIds(first)).toEqual(['1']);
        expect(await guildIds(second)).toEqual(['2']);
        expect(await guildIds(third)).toEqual([]);
      } finally {
        await Promise.all([second.close(), third.close()]);
      }
    } finally {
      await first.close();
    }
  });
});
