// Cairn's own errors and warnings per guild: kept in a bounded log the health page lists, and posted
// to the guild's ops channel (settings `ops_channel_id`) through the outbox, throttled: the first of
// a kind goes out at once, the next ones in the throttle window are counted, and one message sums
// them up when the window ends (the next report of that kind, or flush() from the scheduler).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Clock } from '../app/clock.ts';
import { systemClock } from '../app/clock.ts';
import { queryRows, type Executor } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';

export type OpsKind = 'rule_error' | 'rule_quarantined' | 'event_failed' | 'outbox_failed' | 'ai_budget_exhausted' | 'paused' | 'resumed';
export type OpsLevel = 'error' | 'warning' | 'info';

export const DefaultOpsLogOptions = {
  /** At most one message per guild and kind in this window; the others are counted. */
  throttleMs: 10 * 60_000,
  /** Log rows kept per guild (older ones go). */
  keepPerGuild: 200,
  /** Longest message text posted or kept. */
  maxMessage: 1500,
} as const satisfies Record<string, number>;

export interface OpsLogDeps {
  db: Executor;
  /** The guild's ops channel, if it set one. */
  channelOf: (guildId: string) => Promise<string | null>;
  clock?: Clock;
  logger?: Logger;
}

interface Window {
  startedAt: number;
  suppressed: number;
  lastMessage: string;
  level: OpsLevel;
}

const LABEL: Record<OpsKind, string> = {
  rule_error: 'A rule failed',
  rule_quarantined: 'A rule was quarantined',
  event_failed: 'An event could not be processed',
  outbox_failed: 'A Discord action failed',
  ai_budget_exhausted: 'The AI budget is spent',
  paused: 'Paused',
  resumed: 'Resumed',
};

export class OpsLog {
  readonly #options: typeof DefaultOpsLogOptions;
  readonly #deps: OpsLogDeps;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #windows = new Map<string, Window>();
  readonly #pending = new Set<Promise<void>>();

  constructor(options: Partial<typeof DefaultOpsLogOptions>, deps: OpsLogDeps) {
    this.#options = { ...DefaultOpsLogOptions, ...options };
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#logger = deps.logger ?? silentLogger;
  }

  /** Records a problem (never throws; callers on hot paths need not await it). */
  report(guildId: string, kind: OpsKind, message: string, level: OpsLevel = 'error'): Promise<void> {
    // Postgres text holds no NUL.
    const p = this.#report(guildId, kind, message.slice(0, this.#options.maxMessage).replaceAll('\u0000', '\ufffd'), level)
      .catch((error: unknown) => this.#logger.error({ err: error, guildId, kind }, 'could not record an ops message'))
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
    return p;
  }

  /** Sums up windows that ended with reports held back (the scheduler calls it every minute). */
  async flush(): Promise<void> {
    await this.settled();
    const now = this.#clock.now().getTime();
    for (const [key, w] of this.#windows) {
      if (now - w.startedAt < this.#options.throttleMs) continue;
      this.#windows.delete(key);
      if (w.suppressed === 0) continue;
      const [guildId, kind] = key.split('|') as [string, OpsKind];
      await this.#write(guildId, kind, w.level, `${w.suppressed} more like this in the last ${this.#minutes} min; the last: ${w.lastMessage}`, w.suppressed);
    }
  }

  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #report(guildId: string, kind: OpsKind, message: string, level: OpsLevel): Promise<void> {
    const key = `${guildId}|${kind}`;
    const now = this.#clock.now().getTime();
    const open = this.#windows.get(key);
    if (open && now - open.startedAt < this.#options.throttleMs) {
      open.suppressed++;
      open.lastMessage = message;
      return;
    }
    this.#windows.set(key, { startedAt: now, suppressed: 0, lastMessage: message, level });
    const carried = open?.suppressed ?? 0;
    const text = carried > 0 ? `${message}\n(${carried} more like this were held back in the previous ${this.#minutes} min)` : message;
    await this.#write(guildId, kind, level, text, 1 + carried);
  }

  /** One log row (the log keeps its newest rows) and, when the guild has an ops channel, one message. */
  async #write(guildId: string, kind: OpsKind, level: OpsLevel, message: string, count: number): Promise<void> {
    const channel = await this.#deps.channelOf(guildId);
    const content = `**${LABEL[kind]}** (${level}): ${message}`.slice(0, 1900);
    const payload = JSON.stringify({ channel_id: channel, content, ops: true });
    await this.#deps.db.execute(sql`
      WITH log AS (
        INSERT INTO ops_errors (guild_id, kind, level, message, count, at) VALUES (${guildId}, ${kind}, ${level}, ${message}, ${count}, ${this.#clock.now().toISOString()}::timestamptz)
        RETURNING id
      ), old AS (
        DELETE FROM ops_errors WHERE guild_id = ${guildId} AND id IN (
          SELECT id FROM ops_errors WHERE guild_id = ${guildId} ORDER BY id DESC OFFSET ${this.#options.keepPerGuild - 1})
        RETURNING 1
      ), post AS (
        INSERT INTO outbox (guild_id, kind, payload) SELECT ${guildId}, 'message', ${payload}::jsonb WHERE ${channel !== null}
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM log) + (SELECT count(*) FROM old) + (SELECT count(*) FROM post) AS n`);
  }

  get #minutes(): number {
    return Math.round(this.#options.throttleMs / 60_000);
  }
}

export interface OpsErrorRow {
  id: number;
  kind: string;
  level: string;
  message: string;
  count: number;
  at: string;
}

/** The newest entries of a guild's ops log. */
export async function recentOpsErrors(db: Executor, guildId: string, limit = 50): Promise<OpsErrorRow[]> {
  const rows = await queryRows<{ id: string | number; kind: string; level: string; message: string; count: number; at: string | Date }>(
    db,
    sql`SELECT id, kind, level, message, count, at FROM ops_errors WHERE guild_id = ${guildId} ORDER BY id DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, level: r.level, message: r.message, count: Number(r.count), at: new Date(r.at).toISOString() }));
}

export const OpsErrorOut = z.object({ id: z.number(), kind: z.string(), level: z.string(), message: z.string(), count: z.number(), at: z.string() });
