// A guild's pause switch (settings `paused`): while paused its events are still captured to the
// lake (and counted), but payouts (the engine, manual awards) and Discord side effects (the outbox)
// wait. Held events are listed in `paused_events` in arrival order; unpausing replays them in that
// order, each in the transaction that deletes its row, so each is paid exactly once.
//
// Ordering against live traffic rests on the guild row: every ingest batch takes FOR KEY SHARE on
// its guilds before reading the flag and the queue (a separate statement, so the read sees what a
// replay committed), and each replay step holds FOR UPDATE. While a guild has held events, new ones
// queue behind them even after the flag is off; the step that empties the queue ends that.
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Tx } from '../db/client.ts';
import { bigintArray } from '../db/sql.ts';
import type { EventType, LakeEvent } from '../events/lake-event.ts';
import type { StoredEvent } from '../events/lake-writer.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import type { AfterCommit, EventProcessor, PauseCheck, PauseGate } from '../pipeline/ingest.ts';

export const DefaultPauseOptions = {
  /** Held events replayed per transaction. */
  replayBatch: 500,
} as const satisfies Record<string, number>;

export interface PauseDeps {
  database: Database;
  /** The processors that wait while paused (engine, manual awards), in pipeline order. */
  processors: EventProcessor[];
  logger?: Logger;
  /** Told after each replay step committed (wakes the outbox). */
  onReplayed?: (guildId: string, events: number) => void;
}

export interface ResumeResult {
  replayed: number;
  /** Still paused (switched on again during the replay): the rest waits. */
  paused: boolean;
}

type HeldRow = { seq: string | number; id: string | number; source_id: string; type: EventType; actor_id: string; target_id: string | null; channel_id: string | null; occurred_at: string | Date; data: Record<string, unknown> };

export class GuildPause implements PauseGate {
  readonly #options: typeof DefaultPauseOptions;
  readonly #database: Database;
  readonly #processors: EventProcessor[];
  readonly #logger: Logger;
  readonly #onReplayed: PauseDeps['onReplayed'];
  /** One replay per guild at a time in this process (others serialize on the guild row). */
  readonly #resuming = new Map<string, Promise<ResumeResult>>();

  constructor(options: Partial<typeof DefaultPauseOptions>, deps: PauseDeps) {
    this.#options = { ...DefaultPauseOptions, ...options };
    this.#database = deps.database;
    this.#processors = deps.processors;
    this.#logger = deps.logger ?? silentLogger;
    this.#onReplayed = deps.onReplayed;
  }

  /**
   * Which of the batch's guilds hold events back (paused, or still holding events): the guild rows'
   * lock first (it waits for a replay step in progress), then the read, in its own snapshot. The
   * database runs them in that order; issued together, with the lake insert before them, they cost
   * no round trip of their own.
   */
  async check(tx: Tx, guildIds: string[]): Promise<PauseCheck> {
    const ids = bigintArray([...new Set(guildIds)].sort());
    const [, rows] = await Promise.all([
      queryRows(tx, sql`SELECT 1 FROM guilds WHERE id = ANY(${ids}) ORDER BY id FOR KEY SHARE`),
      queryRows<PauseCheck[number]>(tx, sql`SELECT g.id::text AS id, COALESCE((g.settings->>'paused')::boolean, false) AS paused FROM guilds g
          WHERE g.id = ANY(${ids})
            AND (COALESCE((g.settings->>'paused')::boolean, false) OR EXISTS (SELECT 1 FROM paused_events p WHERE p.guild_id = g.id))`),
    ]);
    return rows;
  }

  async hold(tx: Tx, events: StoredEvent[], rows: PauseCheck): Promise<{ ready: StoredEvent[]; afterCommit?: AfterCommit }> {
    if (rows.length === 0 || events.length === 0) return { ready: events };
    const waiting = new Set(rows.map((r) => r.id));
    const held = events.filter((e) => waiting.has(e.event.guild_id));
    if (held.length === 0) return { ready: events };
    const values = JSON.stringify(held.map((e, i) => ({ g: e.event.guild_id, e: e.id, o: i })));
    await tx.execute(sql`INSERT INTO paused_events (guild_id, lake_event_id)
      SELECT g, e FROM json_to_recordset(${values}::json) AS v(g bigint, e bigint, o int) ORDER BY o`);
    // A guild unpaused with events still held (another process, or a replay cut short) drains them.
    const draining = rows.filter((r) => !r.paused).map((r) => r.id);
    return {
      ready: events.filter((e) => !waiting.has(e.event.guild_id)),
      ...(draining.length > 0 ? { afterCommit: () => { for (const g of draining) void this.resume(g).catch((error: unknown) => this.#logger.error({ err: error, guildId: g }, 'replaying held events failed')); } } : {}),
    };
  }

  /** Whether a guild is paused, from the database (not a process's cache). */
  async isPaused(guildId: string): Promise<boolean> {
    const [row] = await queryRows<{ paused: boolean }>(this.#database.db, sql`SELECT COALESCE((settings->>'paused')::boolean, false) AS paused FROM guilds WHERE id = ${guildId}`);
    return row?.paused ?? false;
  }

  /** How many events a guild holds (per guild when none is given). */
  async held(guildId?: string): Promise<Map<string, number>> {
    const rows = await queryRows<{ g: string; n: string | number }>(
      this.#database.db,
      sql`SELECT guild_id::text AS g, count(*) AS n FROM paused_events ${guildId ? sql`WHERE guild_id = ${guildId}` : sql``} GROUP BY guild_id`,
    );
    return new Map(rows.map((r) => [r.g, Number(r.n)]));
  }

  /** Replays a guild's held events in order, unless it is paused; safe to call any time, from any process. */
  resume(guildId: string): Promise<ResumeResult> {
    let running = this.#resuming.get(guildId);
    if (!running) {
      running = this.#replay(guildId).finally(() => this.#resuming.delete(guildId));
      this.#resuming.set(guildId, running);
    }
    return running;
  }

  /** Replays every unpaused guild that still holds events (a crash mid-replay, another process's unpause). */
  async resumeAll(): Promise<number> {
    const rows = await queryRows<{ g: string }>(
      this.#database.db,
      sql`SELECT DISTINCT p.guild_id::text AS g FROM paused_events p JOIN guilds gl ON gl.id = p.guild_id WHERE NOT COALESCE((gl.settings->>'paused')::boolean, false)`,
    );
    let replayed = 0;
    for (const { g } of rows) replayed += (await this.resume(g)).replayed;
    return replayed;
  }

  async #replay(guildId: string): Promise<ResumeResult> {
    let replayed = 0;
    for (;;) {
      const after: AfterCommit[] = [];
      const step = await this.#database.db.transaction(async (tx) => {
        const [guild] = await queryRows<{ paused: boolean }>(tx, sql`SELECT COALESCE((settings->>'paused')::boolean, false) AS paused FROM guilds WHERE id = ${guildId} FOR UPDATE`);
        if (!guild || guild.paused) return { count: 0, done: true, paused: guild?.paused ?? false };
        const rows = await queryRows<HeldRow>(
          tx,
          sql`SELECT p.seq, l.id, l.source_id, l.type, l.actor_id::text, l.target_id::text, l.channel_id::text, l.occurred_at, l.data
              FROM paused_events p JOIN lake_events l ON l.id = p.lake_event_id
              WHERE p.guild_id = ${guildId} ORDER BY p.seq LIMIT ${this.#options.replayBatch}`,
        );
        const events: StoredEvent[] = rows.map((r, index) => ({ id: Number(r.id), index, event: lakeEventOf(guildId, r) }));
        if (events.length > 0) {
          for (const processor of this.#processors) {
            const then = await processor.process(tx, events);
            if (then) after.push(then);
          }
        }
        // Rows whose lake event is gone (pruned by retention) go with the step too.
        const last = rows.length > 0 ? rows[rows.length - 1]!.seq : null;
        const deleted = await queryRows<{ n: number }>(
          tx,
          rows.length < this.#options.replayBatch
            ? sql`WITH d AS (DELETE FROM paused_events WHERE guild_id = ${guildId} RETURNING 1) SELECT count(*)::int AS n FROM d`
            : sql`WITH d AS (DELETE FROM paused_events WHERE guild_id = ${guildId} AND seq <= ${last} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        );
        return { count: events.length, done: rows.length < this.#options.replayBatch || (deleted[0]?.n ?? 0) === 0, paused: false };
      });
      for (const then of after) {
        try {
          await then();
        } catch (error) {
          this.#logger.error({ err: error, guildId }, 'work after a replay step failed');
        }
      }
      replayed += step.count;
      if (step.count > 0) this.#onReplayed?.(guildId, step.count);
      if (step.done) {
        if (replayed > 0) this.#logger.info({ guildId, replayed }, 'held events of an unpaused guild paid in order');
        return { replayed, paused: step.paused };
      }
    }
  }
}

function lakeEventOf(guildId: string, r: HeldRow): LakeEvent {
  return {
    source_id: r.source_id, type: r.type, guild_id: guildId, actor_id: r.actor_id, target_id: r.target_id, channel_id: r.channel_id,
    occurred_at: new Date(r.occurred_at).toISOString(), data: r.data,
  } as LakeEvent;
}
