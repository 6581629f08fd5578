// The fake Discord's channels, threads and their members: private threads and channels created by
// the bot (with permission overwrites), edits, deletes, thread membership, and the messages posted
// in each channel. Tests read what was recorded (who is in a thread, which overwrites a channel has).
import type { FakeResponse } from './fake-discord.ts';

export interface FakeOverwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  parent_id: string | null;
  owner_id?: string;
  permission_overwrites: FakeOverwrite[];
  thread_metadata?: { archived: boolean; locked: boolean; invitable?: boolean; auto_archive_duration: number; archive_timestamp: string; create_timestamp: string };
  [key: string]: unknown;
}

interface Host {
  guilds(): Record<string, any>[];
  dispatch(t: string, d: unknown): void;
  botId: string;
}

const THREAD_TYPES = new Set([10, 11, 12]);

export class FakeChannels {
  /** Channels and threads the bot created (by id). */
  readonly created = new Map<string, FakeChannel>();
  /** Members of each thread (user ids). */
  readonly threadMembers = new Map<string, Set<string>>();
  /** Messages posted in each channel, oldest first. */
  readonly messages = new Map<string, Record<string, unknown>[]>();
  #ids = 1_600_000_000_000_000_000n;

  constructor(private readonly host: Host) {}

  /** A channel the bot created, or one of the guild payloads' channels. */
  channel(id: string): FakeChannel | undefined {
    return this.created.get(id) ?? this.#guildChannel(id);
  }

  recordMessage(channelId: string, message: Record<string, unknown>): void {
    const list = this.messages.get(channelId) ?? [];
    list.push(message);
    this.messages.set(channelId, list);
  }

  route(method: string, path: string, body: any): FakeResponse | undefined {
    const parts = path.split('/');
    const route = `${method} ${path}`;
    if (/^POST \/channels\/\d+\/threads$/.test(route)) return this.#createThread(parts[2]!, body);
    if (/^POST \/guilds\/\d+\/channels$/.test(route)) return this.#createChannel(parts[2]!, body);
    if (/^(PUT|DELETE) \/channels\/\d+\/thread-members\/\d+$/.test(route)) return this.#threadMember(method, parts[2]!, parts[4]!);
    if (/^(PUT|DELETE) \/channels\/\d+\/permissions\/\d+$/.test(route)) return this.#overwrite(method, parts[2]!, parts[4]!, body);
    if (/^GET \/channels\/\d+\/messages$/.test(route)) return { status: 200, body: [...(this.messages.get(parts[2]!) ?? [])].reverse() };
    if (/^PATCH \/channels\/\d+$/.test(route)) return this.#edit(parts[2]!, body);
    if (/^DELETE \/channels\/\d+$/.test(route)) return this.#delete(parts[2]!);
    return undefined;
  }

  #guildOfChannel(channelId: string): Record<string, any> | undefined {
    const created = this.created.get(channelId);
    return this.host.guilds().find((g) => g.id === created?.guild_id || (g.channels ?? []).some((c: any) => c.id === channelId));
  }

  #guildChannel(id: string): FakeChannel | undefined {
    for (const g of this.host.guilds()) {
      const c = (g.channels ?? []).find((x: any) => x.id === id);
      if (c) return { permission_overwrites: [], parent_id: null, ...c, guild_id: g.id };
    }
    return undefined;
  }

  #createThread(parentId: string, body: any): FakeResponse {
    const guild = this.#guildOfChannel(parentId);
    if (!guild) return unknownChannel();
    const now = new Date().toISOString();
    const thread: FakeChannel = {
      id: String(++this.#ids),
      type: body?.type ?? 11,
      guild_id: guild.id,
      name: String(body?.name ?? 'thread'),
      parent_id: parentId,
      owner_id: this.host.botId,
      permission_overwrites: [],
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
      member_count: 1,
      message_count: 0,
      total_message_sent: 0,
      thread_metadata: { archived: false, locked: false, ...(body?.type === 12 ? { invitable: body?.invitable ?? true } : {}), auto_archive_duration: body?.auto_archive_duration ?? 1440, archive_timestamp: now, create_timestamp: now },
    };
    this.created.set(thread.id, thread);
    this.threadMembers.set(thread.id, new Set([this.host.botId]));
    this.host.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return { status: 201, body: thread };
  }

  #createChannel(guildId: string, body: any): FakeResponse {
    const guild = this.host.guilds().find((g) => g.id === guildId);
    if (!guild) return { status: 404, body: { message: 'Unknown Guild', code: 10004 } };
    const channel: FakeChannel = {
      id: String(++this.#ids),
      type: body?.type ?? 0,
      guild_id: guildId,
      name: String(body?.name ?? 'channel'),
      parent_id: body?.parent_id ?? null,
      position: 0,
      nsfw: false,
      topic: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      permission_overwrites: (body?.permission_overwrites ?? []).map((o: any) => ({ id: String(o.id), type: Number(o.type), allow: String(o.allow ?? '0'), deny: String(o.deny ?? '0') })),
    };
    this.created.set(channel.id, channel);
    this.host.dispatch('CHANNEL_CREATE', channel);
    return { status: 201, body: channel };
  }

  #threadMember(method: string, threadId: string, userId: string): FakeResponse {
    const thread = this.created.get(threadId);
    if (!thread || !THREAD_TYPES.has(thread.type)) return unknownChannel();
    const guild = this.host.guilds().find((g) => g.id === thread.guild_id);
    if (method === 'PUT' && !(guild?.members ?? []).some((m: any) => m.user?.id === userId)) return { status: 404, body: { message: 'Unknown Member', code: 10007 } };
    const members = this.threadMembers.get(threadId)!;
    if (method === 'PUT') members.add(userId);
    else members.delete(userId);
    return { status: 204 };
  }

  #overwrite(method: string, channelId: string, id: string, body: any): FakeResponse {
    const channel = this.created.get(channelId);
    if (!channel) return unknownChannel();
    channel.permission_overwrites = channel.permission_overwrites.filter((o) => o.id !== id);
    if (method === 'PUT') channel.permission_overwrites.push({ id, type: Number(body?.type ?? 0), allow: String(body?.allow ?? '0'), deny: String(body?.deny ?? '0') });
    return { status: 204 };
  }

  #edit(channelId: string, body: any): FakeResponse {
    const channel = this.created.get(channelId);
    if (!channel) return unknownChannel();
    if (typeof body?.name === 'string') channel.name = body.name;
    if (channel.thread_metadata) {
      if (typeof body?.archived === 'boolean') channel.thread_metadata.archived = body.archived;
      if (typeof body?.locked === 'boolean') channel.thread_metadata.locked = body.locked;
    }
    return { status: 200, body: channel };
  }

  #delete(channelId: string): FakeResponse {
    const channel = this.created.get(channelId);
    if (!channel) return unknownChannel();
    this.created.delete(channelId);
    return { status: 200, body: channel };
  }
}

const unknownChannel = (): FakeResponse => ({ status: 404, body: { message: 'Unknown Channel', code: 10003 } });
