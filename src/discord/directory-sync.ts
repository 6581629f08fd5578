// Keeps the directory (guild_channels, guild_roles, the guild's name and icon) in step with the
// gateway, so the panel shows names while the bot is offline. Channel and role changes are collected
// per entry (the last one wins) and written in bulk, like MemberSync; a GUILD_CREATE replaces a
// guild's whole list, marking what is gone as deleted (a deleted entry keeps its name).
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { guilds } from '../db/schema.ts';
import type { Logger } from '../log/logger.ts';
import type { ChannelRecord } from './normalize/channel.ts';
import type { GuildRecord } from './normalize/guild.ts';
import type { RoleRecord } from './normalize/role.ts';

type Kind = 'channel' | 'role';
type EntryOp = { kind: 'channel'; record: ChannelRecord } | { kind: 'role'; record: RoleRecord } | { kind: Kind; deleted: { guildId: string; id: string; at: string } };
interface Snapshot {
  kind: Kind;
  guildId: string;
  records: ChannelRecord[] | RoleRecord[];
  presentIds: string[];
  at: string;
}

const CHUNK = 1000;
// Constants, never input: safe to splice.
const TABLE = { channel: sql.raw('guild_channels'), role: sql.raw('guild_roles') } as const;
const ID = { channel: sql.raw('channel_id'), role: sql.raw('role_id') } as const;

export class DirectorySync {
  #snapshots = new Map<string, Snapshot>();
  #ops = new Map<string, EntryOp>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly flushAfterMs = 100,
  ) {}

  /** The guild's name and icon, written now: other rows of the guild hang on it. */
  async saveGuild(record: GuildRecord): Promise<void> {
    const set = record.iconUrl === undefined ? { name: record.name } : { name: record.name, iconUrl: record.iconUrl };
    await this.db.insert(guilds).values({ id: record.guildId, ...set }).onConflictDoUpdate({ target: guilds.id, set });
  }

  /** Every channel of a guild (GUILD_CREATE): the listed ones are stored, the others marked deleted. */
  replaceChannels(guildId: string, records: ChannelRecord[], presentIds: string[], at: Date): void {
    this.#replace({ kind: 'channel', guildId, records, presentIds, at: at.toISOString() });
  }

  replaceRoles(guildId: string, records: RoleRecord[], presentIds: string[], at: Date): void {
    this.#replace({ kind: 'role', guildId, records, presentIds, at: at.toISOString() });
  }

  upsertChannel(record: ChannelRecord): void {
    this.#queue(`channel:${record.guildId}:${record.channelId}`, { kind: 'channel', record });
  }

  upsertRole(record: RoleRecord): void {
    this.#queue(`role:${record.guildId}:${record.roleId}`, { kind: 'role', record });
  }

  deleteChannel(guildId: string, channelId: string, at: Date): void {
    this.#queue(`channel:${guildId}:${channelId}`, { kind: 'channel', deleted: { guildId, id: channelId, at: at.toISOString() } });
  }

  deleteRole(guildId: string, roleId: string, at: Date): void {
    this.#queue(`role:${guildId}:${roleId}`, { kind: 'role', deleted: { guildId, id: roleId, at: at.toISOString() } });
  }

  get pending(): number {
    return this.#ops.size + this.#snapshots.size;
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running ??= (async () => {
      await null; // let #running be set before the loop can finish
      try {
        while (this.pending > 0) {
          const snapshots = [...this.#snapshots.values()];
          const ops = [...this.#ops.values()];
          this.#snapshots = new Map();
          this.#ops = new Map();
          // Snapshots first: changes queued after a GUILD_CREATE apply on top of it.
          for (const snapshot of snapshots) await this.#writeSnapshot(snapshot);
          await this.#writeOps(ops);
        }
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  #replace(snapshot: Snapshot): void {
    // Changes queued before it are older than the list that replaces them.
    const prefix = `${snapshot.kind}:${snapshot.guildId}:`;
    for (const key of this.#ops.keys()) if (key.startsWith(prefix)) this.#ops.delete(key);
    this.#snapshots.set(`${snapshot.kind}:${snapshot.guildId}`, snapshot);
    this.#schedule();
  }

  #queue(key: string, op: EntryOp): void {
    this.#ops.set(key, op);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#running) return;
    this.#timer ??= setTimeout(() => {
      this.flush().catch((error) => this.logger.error({ err: error }, 'could not update the directory'));
    }, this.flushAfterMs);
  }

  async #writeSnapshot(snapshot: Snapshot): Promise<void> {
    if (snapshot.kind === 'channel') await this.#upsertChannels(snapshot.records as ChannelRecord[]);
    else await this.#upsertRoles(snapshot.records as RoleRecord[]);
    await this.db.execute(sql`
      UPDATE ${TABLE[snapshot.kind]} SET deleted_at = ${snapshot.at}::timestamptz, updated_at = now()
      WHERE guild_id = ${snapshot.guildId} AND deleted_at IS NULL
        AND ${ID[snapshot.kind]} NOT IN (SELECT value::bigint FROM json_array_elements_text(${JSON.stringify(snapshot.presentIds)}::json))`);
  }

  async #writeOps(ops: EntryOp[]): Promise<void> {
    await this.#upsertChannels(ops.flatMap((o) => ('record' in o && o.kind === 'channel' ? [o.record] : [])));
    await this.#upsertRoles(ops.flatMap((o) => ('record' in o && o.kind === 'role' ? [o.record] : [])));
    for (const kind of ['channel', 'role'] as const) {
      const deleted = ops.flatMap((o) => ('deleted' in o && o.kind === kind ? [{ g: o.deleted.guildId, i: o.deleted.id, t: o.deleted.at }] : []));
      for (let i = 0; i < deleted.length; i += CHUNK) {
        await this.db.execute(sql`
          UPDATE ${TABLE[kind]} AS d SET deleted_at = v.t, updated_at = now()
          FROM json_to_recordset(${JSON.stringify(deleted.slice(i, i + CHUNK))}::json) AS v(g bigint, i bigint, t timestamptz)
          WHERE d.guild_id = v.g AND d.${ID[kind]} = v.i AND d.deleted_at IS NULL`);
      }
    }
  }

  async #upsertChannels(records: ChannelRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += CHUNK) {
      const rows = records.slice(i, i + CHUNK).map((r) => ({ g: r.guildId, i: r.channelId, n: r.name, t: r.type, p: r.parentId, o: r.position }));
      await this.db.execute(sql`
        INSERT INTO guild_channels AS c (guild_id, channel_id, name, type, parent_id, position, deleted_at, updated_at)
        SELECT g, i, n, t, p, o, NULL, now()
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, i bigint, n text, t smallint, p bigint, o integer)
        ORDER BY g, i
        ON CONFLICT (guild_id, channel_id) DO UPDATE
          SET name = excluded.name, type = excluded.type, parent_id = excluded.parent_id, position = excluded.position,
              deleted_at = NULL, updated_at = now()`);
    }
  }

  async #upsertRoles(records: RoleRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += CHUNK) {
      const rows = records.slice(i, i + CHUNK).map((r) => ({ g: r.guildId, i: r.roleId, n: r.name, c: r.color, o: r.position, m: r.managed }));
      await this.db.execute(sql`
        INSERT INTO guild_roles AS r (guild_id, role_id, name, color, position, managed, deleted_at, updated_at)
        SELECT g, i, n, c, o, m, NULL, now()
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, i bigint, n text, c integer, o integer, m boolean)
        ORDER BY g, i
        ON CONFLICT (guild_id, role_id) DO UPDATE
          SET name = excluded.name, color = excluded.color, position = excluded.position, managed = excluded.managed,
              deleted_at = NULL, updated_at = now()`);
    }
  }
}
