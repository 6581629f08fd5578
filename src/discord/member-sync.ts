// Keeps the members table (names, avatars, roles for rule filters, join and leave times, bot flag)
// in step with the gateway: changes are collected per member (the last one wins) and written in
// bulk. Message authors refresh a member only when their name or avatar differs from what was last
// written (an in-memory cache), so chat costs no writes.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import type { MemberRecord } from './normalize/member.ts';

/** upsert: everything about a member; profile: only the name and avatar (a message's view: roles and presence stay the member events' business). */
type MemberOp = { kind: 'upsert' | 'profile'; record: MemberRecord } | { kind: 'leave'; guildId: string; userId: string; at: string };

const CHUNK = 1000;
/** Members whose name and avatar are remembered; past it the oldest are forgotten (one more write each, later). */
const KNOWN_LIMIT = 200_000;

const profileOf = (r: MemberRecord) => JSON.stringify([r.displayName, r.username, r.avatarUrl]);
const memberRows = (records: MemberRecord[]) =>
  JSON.stringify(records.map((r) => ({ g: r.guildId, u: r.userId, n: r.displayName, un: r.username, a: r.avatarUrl, r: r.roles, b: r.isBot, j: r.joinedAt })));

export class MemberSync {
  #ops = new Map<string, MemberOp>();
  /** Name, username and avatar per member as last queued for writing. */
  #known = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly flushAfterMs = 100,
  ) {}

  upsert(records: readonly MemberRecord[]): void {
    for (const record of records) {
      const key = `${record.guildId}:${record.userId}`;
      this.#ops.set(key, { kind: 'upsert', record });
      this.#remember(key, profileOf(record));
    }
    this.#schedule();
  }

  /**
   * A member as a message shows them: written only when the name or avatar differs from what Cairn
   * last wrote (the first message after a start writes once per author). Returns whether it queued.
   */
  refresh(record: MemberRecord): boolean {
    const key = `${record.guildId}:${record.userId}`;
    const profile = profileOf(record);
    const pending = this.#ops.get(key);
    if (this.#known.get(key) === profile || pending?.kind === 'leave') return false;
    const { displayName, username, avatarUrl } = record;
    this.#ops.set(key, pending?.kind === 'upsert' ? { kind: 'upsert', record: { ...pending.record, displayName, username, avatarUrl } } : { kind: 'profile', record });
    this.#remember(key, profile);
    this.#schedule();
    return true;
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
          await this.#write(ops).catch((error: unknown) => {
            // Not written after all: the next message of these members writes them again.
            for (const op of ops) this.#known.delete(op.kind === 'leave' ? `${op.guildId}:${op.userId}` : `${op.record.guildId}:${op.record.userId}`);
            throw error;
          });
        }
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  #remember(key: string, profile: string): void {
    this.#known.delete(key); // re-inserted last: the oldest entry is the least recently seen
    this.#known.set(key, profile);
    if (this.#known.size > KNOWN_LIMIT) this.#known.delete(this.#known.keys().next().value!);
  }

  #schedule(): void {
    if (this.#running) return;
    this.#timer ??= setTimeout(() => {
      this.flush().catch((error) => this.logger.error({ err: error }, 'could not update the members table'));
    }, this.flushAfterMs);
  }

  async #write(ops: MemberOp[]): Promise<void> {
    const upserts = ops.flatMap((o) => (o.kind === 'upsert' ? [o.record] : []));
    const profiles = ops.flatMap((o) => (o.kind === 'profile' ? [o.record] : []));
    const leaves = ops.flatMap((o) => (o.kind === 'leave' ? [o] : []));
    for (let i = 0; i < upserts.length; i += CHUNK) {
      await this.db.execute(sql`
        INSERT INTO members AS m (guild_id, user_id, display_name, username, avatar_url, roles, is_bot, joined_at, left_at, updated_at)
        SELECT g, u, n, un, a, COALESCE(r, '{}'), b, j, NULL, now()
        FROM json_to_recordset(${memberRows(upserts.slice(i, i + CHUNK))}::json) AS v(g bigint, u bigint, n text, un text, a text, r text[], b boolean, j timestamptz)
        ORDER BY g, u
        ON CONFLICT (guild_id, user_id) DO UPDATE
          SET display_name = excluded.display_name, username = excluded.username, avatar_url = excluded.avatar_url,
              roles = excluded.roles, is_bot = excluded.is_bot,
              joined_at = COALESCE(excluded.joined_at, m.joined_at), left_at = NULL, updated_at = now()`);
    }
    // A member Cairn has not stored yet (no member events without the members intent) is inserted whole.
    for (let i = 0; i < profiles.length; i += CHUNK) {
      await this.db.execute(sql`
        INSERT INTO members AS m (guild_id, user_id, display_name, username, avatar_url, roles, is_bot, joined_at, left_at, updated_at)
        SELECT g, u, n, un, a, COALESCE(r, '{}'), b, j, NULL, now()
        FROM json_to_recordset(${memberRows(profiles.slice(i, i + CHUNK))}::json) AS v(g bigint, u bigint, n text, un text, a text, r text[], b boolean, j timestamptz)
        ORDER BY g, u
        ON CONFLICT (guild_id, user_id) DO UPDATE
          SET display_name = excluded.display_name, username = excluded.username, avatar_url = excluded.avatar_url, updated_at = now()`);
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
