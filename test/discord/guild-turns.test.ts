// A guild's gateway writes land in the order the gateway delivered them. GuildTurns on its own
// (order per guild, guilds side by side, a failure not blocking the next), and the race CI caught
// on Postgres, replayed deterministically: a GUILD_CREATE's list of scheduled events held in the
// database while an event created just after it arrives. Without the turns, the later event was
// written first and then ended by the older list as "no longer listed".
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { scheduledEvents } from '../../src/db/schema.ts';
import { GuildTurns } from '../../src/discord/guild-turns.ts';
import type { ScheduledEventRecord } from '../../src/discord/normalize/guild-scheduled-event.ts';
import { ScheduledEventSync } from '../../src/discord/scheduled-event-sync.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const GUILD = '1160511689263947796';
const OTHER_GUILD = '1160511689263947797';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets every pending promise callback run (several rounds of the microtask queue and one macrotask). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

describe('GuildTurns', () => {
  it("runs one guild's work in the order it was asked for, each starting after the one before settled", async () => {
    const turns = new GuildTurns();
    const log: string[] = [];
    const first = gate();
    const a = turns.run(GUILD, async () => {
      log.push('a start');
      await first.opened;
      log.push('a end');
      return 'a';
    });
    const b = turns.run(GUILD, async () => {
      log.push('b');
      return 'b';
    });
    await settle();
    expect(log).toEqual(['a start']);
    first.open();
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it("runs another guild's work while one guild's is still waiting", async () => {
    const turns = new GuildTurns();
    const held = gate();
    const log: string[] = [];
    const slow = turns.run(GUILD, async () => {
      await held.opened;
      log.push('guild');
    });
    await turns.run(OTHER_GUILD, async () => {
      log.push('other guild');
    });
    expect(log).toEqual(['other guild']);
    held.open();
    await slow;
    expect(log).toEqual(['other guild', 'guild']);
  });

  it('gives a failure to its own caller and still runs the work queued after it', async () => {
    const turns = new GuildTurns();
    const failing = turns.run(GUILD, async () => {
      throw new Error('database went away');
    });
    const next = turns.run(GUILD, async () => 'ran');
    await expect(failing).rejects.toThrow('database went away');
    await expect(next).resolves.toBe('ran');
    // And the guild's queue is usable afterwards, as if new.
    await expect(turns.run(GUILD, async () => 'again')).resolves.toBe('again');
  });
});

describe('scheduled events: a GUILD_CREATE list and an event created right after it', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const event = (id: string, name: string): ScheduledEventRecord => ({
    guildId: GUILD, scheduledEventId: id, name, description: null, entityType: 'voice', channelId: '1111111111111111101', location: null,
    creatorId: null, scheduledStart: '2026-12-10T18:00:00.000Z', scheduledEnd: null, status: 'scheduled', userCount: null,
  });

  /**
   * The real database, with its first statement held until the test opens the gate: the
   * GUILD_CREATE's write is then still in flight when the next dispatch's write is asked for.
   */
  function holdingFirstStatement(db: Db): { db: Db; started: Promise<void>; release: () => void } {
    const started = gate();
    const released = gate();
    let calls = 0;
    const held = new Proxy(db, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'execute' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (++calls === 1) {
            started.open();
            await released.opened;
          }
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    return { db: held, started: started.opened, release: released.open };
  }

  it('keeps the event created after the list as scheduled, whatever order the database answers in', async () => {
    const stale = event('1300000000000000001', 'Listed before');
    const created = event('1300000000000000002', 'Created after the list');
    const { db, started, release } = holdingFirstStatement(database.db);
    const sync = new ScheduledEventSync(db);

    // GUILD_CREATE lists only the older event; its first write is held in the database.
    const listed = sync.replace(GUILD, [stale], [stale.scheduledEventId], new Date('2026-12-01T10:00:00.000Z'));
    await started;
    // GUILD_SCHEDULED_EVENT_CREATE for a new event arrives while the list is still being written.
    const upserted = sync.upsert(created);
    await settle();
    release();
    await Promise.all([listed, upserted]);

    const rows = await database.db.select().from(scheduledEvents).where(eq(scheduledEvents.guildId, GUILD));
    const byId = new Map(rows.map((r) => [r.scheduledEventId, r]));
    expect(byId.get(created.scheduledEventId)).toMatchObject({ name: 'Created after the list', status: 'scheduled', deletedAt: null });
    expect(byId.get(stale.scheduledEventId)).toMatchObject({ name: 'Listed before', status: 'scheduled', deletedAt: null });
  });

  it('still ends, as canceled, an event a later list no longer has', async () => {
    const sync = new ScheduledEventSync(database.db);
    const gone = event('1300000000000000003', 'Dropped while away');
    await sync.upsert(gone);
    await sync.replace(GUILD, [], [], new Date('2026-12-02T10:00:00.000Z'));
    const [row] = await database.db.select().from(scheduledEvents)
      .where(and(eq(scheduledEvents.guildId, GUILD), eq(scheduledEvents.scheduledEventId, gone.scheduledEventId)));
    expect(row).toMatchObject({ status: 'canceled' });
    expect(row!.deletedAt).toEqual(new Date('2026-12-02T10:00:00.000Z'));
  });
});
