// Milestone checks (50 templates, checked for every member of every event, inside the end-to-end
// ingest) and leaderboard queries over 100,000 members.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { MilestoneChecker } from '../src/milestones/checker.ts';
import { saveMilestone } from '../src/milestones/repository.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { importRecipe, parseRecipe } from '../src/presets/import.ts';
import { leaderboard } from '../src/ledger/leaderboard.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { syntheticEvents } from './engine.bench.ts';
import { freshDatabase, percentile, record } from './support.ts';

const GUILD = '1160511689263947796';

/** A checker that times each check() call. */
class TimedChecker extends MilestoneChecker {
  readonly micros: number[] = [];
  override async prepare(...args: Parameters<MilestoneChecker['prepare']>) {
    const hook = await super.prepare(...args);
    const check = hook.check.bind(hook);
    hook.check = (...a) => {
      const t = performance.now();
      const out = check(...a);
      this.micros.push((performance.now() - t) * 1000);
      return out;
    };
    return hook;
  }
}

export async function benchMilestones(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  try {
    const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../presets/classic.json', import.meta.url), 'utf8')));
    if (!recipe.ok) throw new Error('classic preset does not parse');
    await importRecipe(database.db, GUILD, recipe.recipe, { actor: 'bench' });
    // 15 classic templates + 35 more of every kind: 50 templates checked per member per event.
    for (let i = 0; i < 35; i++) {
      const kinds = [
        { type: 'event_count', events: ['message_create'], min: 50 + i * 40 },
        { type: 'wallet', currency: 'stars', min: 20 + i * 10 },
        { type: 'event_count', events: ['reaction_add'], side: 'target', min: 30 + i * 5, channels: ['705', '706'] },
        { type: 'streak', days: 2 + (i % 5) },
        { type: 'all', of: [{ type: 'lifetime', currency: 'xp', min: 500 + i * 100 }, { type: 'event_count', events: ['thread_create'], min: 2 + i }] },
      ];
      await saveMilestone(database.db, GUILD, { key: `extra_${i}`, name: `Extra ${i}`, requirement: kinds[i % kinds.length] }, 'bench');
    }
    const checker = new TimedChecker();
    const pipeline = new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database), { milestones: checker })]);
    const events = syntheticEvents(kind === 'postgres' ? 20_000 : 10_000, 5);
    const started = performance.now();
    for (let i = 0; i < events.length; i += 500) await pipeline.ingestEvents(events.slice(i, i + 500), 'api');
    const seconds = (performance.now() - started) / 1000;
    const micros = [...checker.micros].sort((a, b) => a - b);
    record({ bench: 'milestones', database: kind, case: 'milestone check, 50 templates, per member checked', value: percentile(micros, 50), unit: 'µs median', note: `p99 ${percentile(micros, 99).toFixed(1)} µs over ${micros.length} checks` });
    record({ bench: 'milestones', database: kind, case: 'end to end with 50 milestone templates, batches of 500', value: events.length / seconds, unit: 'events/s' });

    if (kind === 'postgres') {
      const [xp] = await database.db.execute<{ id: number }>(sql`SELECT id FROM currencies WHERE guild_id = ${GUILD} AND key = 'xp'`) as unknown as { id: number }[];
      await database.db.execute(sql`
        INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned, level)
        SELECT ${GUILD}, 500000000000000000 + i, ${xp!.id}, (i * 7919) % 1000003, (i * 7919) % 1000003, 1 FROM generate_series(1, 100000) i
        ON CONFLICT DO NOTHING`);
      await database.db.execute(sql`ANALYZE wallets`);
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        const board = await leaderboard(database.db, GUILD, { currency: 'xp', limit: 10, offset: i % 3 === 0 ? 0 : 50 });
        times.push(performance.now() - t);
        if (!board.ok || board.board.entries.length !== 10) throw new Error('leaderboard failed');
      }
      times.sort((a, b) => a - b);
      record({ bench: 'milestones', database: kind, case: 'leaderboard, 100,000+ members, top 10', value: percentile(times, 50), unit: 'ms median', note: `p99 ${percentile(times, 99).toFixed(1)} ms` });
      const seasonTimes: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await leaderboard(database.db, GUILD, { currency: 'xp', season: 'current', limit: 10 });
        seasonTimes.push(performance.now() - t);
      }
      seasonTimes.sort((a, b) => a - b);
      record({ bench: 'milestones', database: kind, case: 'season leaderboard (earned this season), 100,000+ members', value: percentile(seasonTimes, 50), unit: 'ms median', note: `p99 ${percentile(seasonTimes, 99).toFixed(1)} ms` });
    }
  } finally {
    await dispose();
  }
}
