// Keeps the members table (roles for rule filters, join and leave times, bot flag) in step with
// the gateway: changes are collected per member (the last one wins) and written in bulk.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import type { MemberRecord } from './normalize/member.ts';

type MemberOp = { kind: 'upsert'; record: MemberRecord } | { kind: 'leave'; guildId: string; userId: string; at: string };

const CHUNK = 1000;

export class MemberSync {
  #ops = new Map<string, MemberOp>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly flushAfterMs = 100,
  ) {}

  upsert(records: readonly MemberRecord[]): void {
    for (const record of records) this.#ops.set(`${record.guildId}:${record.userId}`, { kind: 'upsert', record });
    this.#schedule();
  }

  leave(guildId: string, userId: string, at: Date): void {
    this.#ops.set(`${guildId}:${userId}`, { kind: 'leave', guildId, userId, at: at.toISOString() });
    this.#schedule();
  }

  /** When the member joined, from a change not yet written or the table. */
  async joinedAt(guildId: string, userId: string): Promise<string | null> {
    const op = this.#ops.get(`${guildId}:${userId}`);
    if (op?.kind === 'upsert' && op.record.joinedAt) return op.record.joinedAt;
    const rows = await queryRows<{ joined_at: string | Date | null }>(
      this.db,
      sql`SELECT joined_at FROM members WHERE guild_id = ${guildId} AND user_id = ${userId}`,
    );
    const at = rows[0]?.joined_at;
    return at ? new Date(at).toISOString() : null;
  }

  get pending(): number {
    return this.#ops.size;
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running ??= (async () => {
      await null; // let #running be set before the loop can finish
      try {
        while (this.#ops.size > 0) {
          const ops = [...this.#ops.values()];
          this.#ops = new Map();
          await this.#write(ops);
        }
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  #schedule(): void {
    if (this.#running) return;
    this.#timer ??= setTimeout(() => {
      this.flush().catch((error) => this.logger.error({ err: error }, 'could not update the members table'));
    }, this.flushAfterMs);
  }

  async #write(ops: MemberOp[]): Promise<void> {
    const upserts = ops.flatMap((o) => (o.kind === 'upsert' ? [o.record] : []));
    const leaves = ops.flatMap((o) => (o.kind === 'leave' ? [o] : []));
    for (let i = 0; i < upserts.length; i += CHUNK) {
      const rows = upserts.slice(i, i + CHUNK).map((r) => ({ g: r.guildId, u: r.userId, n: r.displayName, r: r.roles, b: r.isBot, j: r.joinedAt }));
      await this.db.execute(sql`
        INSERT INTO members AS m (guild_id, user_id, display_name, roles, is_bot, joined_at, left_at, updated_at)
        SELECT g, u, n, COALESCE(r, '{}'), b, j, NULL, now()
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, u bigint, n text, r text[], b boolean, j timestamptz)
        ORDER BY g, u
        ON CONFLICT (guild_id, user_id) DO UPDATE
          SET display_name = excluded.display_name, roles = excluded.roles, is_bot = excluded.is_bot,
              joined_at = COALESCE(excluded.joined_at, m.joined_at), left_at = NULL, updated_at = now()`);
    }
    for (let i = 0; i < leaves.length; i += CHUNK) {
      const rows = leaves.slice(i, i + CHUNK).map((l) => ({ g: l.guildId, u: l.userId, t: l.at }));
      await this.db.execute(sql`
        INSERT INTO members AS m (guild_id, user_id, left_at, updated_at)
        SELECT g, u, t, now() FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, u bigint, t timestamptz)
        ORDER BY g, u
        ON CONFLICT (guild_id, user_id) DO UPDATE SET left_at = excluded.left_at, updated_at = now()`);
    }
  }
}
