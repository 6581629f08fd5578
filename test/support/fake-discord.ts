// A fake Discord on 127.0.0.1 for tests and benchmarks: the REST routes Cairn calls and a gateway
// WebSocket that identifies, buffers dispatches by sequence, and replays them after a RESUME. It
// serves N shards as Discord does: IDENTIFY carries `shard: [id, count]`, a guild lives on shard
// `(guild_id >> 22) % count`, each shard has its own session, sequence and replay buffer.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeChannels } from './fake-discord-channels.ts';

export const BOT_USER_ID = '900000000000000001';
export const APPLICATION_ID = '900000000000000001';

/** Intent bits (Discord's values), for filtering what the fake sends. */
const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildVoiceStates: 1 << 7,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  MessageContent: 1 << 15,
  GuildScheduledEvents: 1 << 16,
} as const;

const INTENT_OF: Record<string, number> = {
  MESSAGE_CREATE: Intent.GuildMessages,
  MESSAGE_UPDATE: Intent.GuildMessages,
  MESSAGE_DELETE: Intent.GuildMessages,
  MESSAGE_REACTION_ADD: Intent.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE: Intent.GuildMessageReactions,
  GUILD_MEMBER_ADD: Intent.GuildMembers,
  GUILD_MEMBER_UPDATE: Intent.GuildMembers,
  GUILD_MEMBER_REMOVE: Intent.GuildMembers,
  VOICE_STATE_UPDATE: Intent.GuildVoiceStates,
  PRESENCE_UPDATE: Intent.GuildPresences,
  THREAD_CREATE: Intent.Guilds,
  GUILD_SCHEDULED_EVENT_CREATE: Intent.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_UPDATE: Intent.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_DELETE: Intent.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_USER_ADD: Intent.GuildScheduledEvents,
  GUILD_SCHEDULED_EVENT_USER_REMOVE: Intent.GuildScheduledEvents,
};

export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, e.g. /channels/1/messages. */
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** Files of a multipart request (a reply with attachments); `body` is then its payload_json. */
  files: RecordedFile[];
  /** The status the fake answered with. */
  status: number;
}

export interface RecordedFile {
  /** The form field, e.g. files[0]. */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Fault {
  method: string;
  path: RegExp;
  response: FakeResponse;
  remaining: number;
}

interface Dispatch {
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  intents: number;
  socket: WebSocket | undefined;
  /** Last sequence delivered on a live socket. */
  delivered: number;
}

/** One shard's gateway state: its session, sequence and the dispatches kept for RESUME. */
interface ShardState {
  seq: number;
  buffer: Dispatch[];
  session: Session | undefined;
  /** On the next IDENTIFY, send again the dispatches of the old session after this sequence. */
  redeliverAfter: number | undefined;
}

/** One IDENTIFY the fake received: which shard and when (ms since the epoch). */
export interface IdentifyRecord {
  shard: number;
  count: number;
  at: number;
}

/** The shard Discord routes a guild to. */
export const shardOfGuild = (guildId: string, count: number): number => Number((BigInt(guildId) >> 22n) % BigInt(count));

/** Guild dispatches that carry the guild's id as `d.id` rather than `d.guild_id`. */
const GUILD_ID_AS_ID = new Set(['GUILD_CREATE', 'GUILD_UPDATE', 'GUILD_DELETE']);

export interface FakeDiscordOptions {
  /** GUILD_CREATE payloads sent after READY (see payloads.guild()). */
  guilds?: Record<string, any>[];
  heartbeatIntervalMs?: number;
  /** Dispatches kept for RESUME replays (Discord's replay window is bounded too). */
  bufferLimit?: number;
  /** Shards the bot must run (GET /gateway/bot's `shards`; IDENTIFY with another count is refused). */
  shards?: number;
  /** session_start_limit.max_concurrency: shards that may identify together per 5 s. */
  maxConcurrency?: number;
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly gatewayLog: { op: number; d: any }[] = [];
  /** Every IDENTIFY, in order: the shard and when (tests check the identify limit with it). */
  readonly identifies: IdentifyRecord[] = [];
  /** Told of every REST request as it is recorded (benchmarks time answers without polling). */
  onRequest: ((request: RecordedRequest) => void) | undefined;
  guilds: Record<string, any>[];
  /** Threads and channels the bot created, their members and overwrites, and messages per channel. */
  /**
   * Each guild's invites as GET /guilds/:id/invites answers them (tests change uses to act out a
   * join); a guild absent here answers 403 Missing Permissions, as without Manage Server.
   */
  readonly invites = new Map<string, { code: string; uses: number; max_uses: number; inviter: { id: string } | null }[]>();
  readonly channels: FakeChannels = new FakeChannels({ guilds: () => this.guilds, dispatch: (t, d) => void this.dispatch(t, d), botId: BOT_USER_ID });
  #server: Server;
  #wss: WebSocketServer;
  #port = 0;
  #shards: ShardState[];
  #sessions = 0;
  #faults: Fault[] = [];
  #replayExtra = 0;
  #messageIds = 1_400_000_000_000_000_000n;
  /** Messages created with enforce_nonce, by channel and nonce. */
  #byNonce = new Map<string, Record<string, unknown>>();
  #waiters: { op: number; resolve: (d: any) => void }[] = [];
  /** Files served as Discord's CDN serves avatars (paths outside /api). */
  #files = new Map<string, FakeResponse & { data: Buffer }>();
  readonly #heartbeatIntervalMs: number;
  readonly #bufferLimit: number;
  readonly shardCount: number;
  readonly maxConcurrency: number;

  private constructor(options: FakeDiscordOptions) {
    this.guilds = options.guilds ?? [];
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.#bufferLimit = options.bufferLimit ?? 10_000;
    this.shardCount = options.shards ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? 1;
    this.#shards = Array.from({ length: this.shardCount }, () => ({ seq: 0, buffer: [], session: undefined, redeliverAfter: undefined }));
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
    this.#wss = new WebSocketServer({ server: this.#server });
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    fake.#server.listen(0, '127.0.0.1');
    await once(fake.#server, 'listening');
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** The REST base to give the bot (DISCORD_API_URL). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  /** Last sequence of shard 0 (the only one unless `shards` was given). */
  get sequence(): number {
    return this.#shards[0]!.seq;
  }

  /** Last sequence of a shard's current session. */
  sequenceOf(shard: number): number {
    return this.#shards[shard]!.seq;
  }

  /** Intents of shard 0's current session's IDENTIFY. */
  get intents(): number {
    return this.#shards[0]!.session?.intents ?? 0;
  }

  /** Every shard has a live connection. */
  get connected(): boolean {
    return this.#shards.every((shard) => shard.session?.socket !== undefined);
  }

  /** Whether a shard has a live connection. */
  shardConnected(shard: number): boolean {
    return this.#shards[shard]?.session?.socket !== undefined;
  }

  /** The shard a guild's dispatches go to. */
  shardOf(guildId: string): number {
    return shardOfGuild(guildId, this.shardCount);
  }

  /**
   * Sends a dispatch on the shard of its guild (`d.guild_id`, or `d.id` for GUILD_CREATE and the
   * like; shard 0 for the rest, as Discord sends DMs), or buffers it while that shard is
   * disconnected; returns its sequence on that shard.
   */
  dispatch(t: string, d: unknown): number {
    return this.dispatchOn(this.#routeOf(t, d), t, d);
  }

  /** Sends a dispatch on a given shard. */
  dispatchOn(shardId: number, t: string, d: unknown): number {
    const shard = this.#shards[shardId]!;
    const s = ++shard.seq;
    const entry = { s, t, d };
    shard.buffer.push(entry);
    if (shard.buffer.length > this.#bufferLimit * 2) shard.buffer = shard.buffer.slice(-this.#bufferLimit);
    const session = shard.session;
    if (session?.socket) this.#deliver(session, entry);
    return s;
  }

  /** Sends any frame as is (bad payloads, unknown opcodes), on shard 0 or the one given. */
  sendRaw(frame: unknown, shard = 0): void {
    this.#shards[shard]?.session?.socket?.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Drops the connection of every shard (or one) the way a network blip does; the bot reconnects and RESUMEs. */
  disconnect(code = 4000, shard?: number): void {
    for (const [id, state] of this.#shards.entries()) {
      if (shard !== undefined && id !== shard) continue;
      const socket = state.session?.socket;
      if (state.session) state.session.socket = undefined;
      socket?.close(code, 'fake disconnect');
    }
  }

  /**
   * On the shard's next IDENTIFY (a process that died comes back with a new session), send again
   * the old session's dispatches after `afterSeq`, as the world does when a bot missed them: the
   * test stands in for what Discord or the users would send again.
   */
  redeliverOnIdentify(shard: number, afterSeq = 0): void {
    this.#shards[shard]!.redeliverAfter = afterSeq;
  }

  #routeOf(t: string, d: unknown): number {
    if (this.shardCount === 1) return 0;
    const data = (d ?? {}) as { guild_id?: unknown; id?: unknown };
    const guildId = GUILD_ID_AS_ID.has(t) ? data.id : data.guild_id;
    return typeof guildId === 'string' && /^\d+$/.test(guildId) ? this.shardOf(guildId) : 0;
  }

  /** On the next RESUME, also replay this many already-delivered dispatches (as Discord may). */
  replayDuplicatesOnResume(count: number): void {
    this.#replayExtra = count;
  }

  /** Answers the next `times` matching REST calls with `response` (e.g. 500, 403). */
  failNext(method: string, path: RegExp, response: FakeResponse, times = 1): void {
    this.#faults.push({ method, path, response, remaining: times });
  }

  /** Serves `data` at `path` (e.g. /avatars/<user>/<hash>.png), as Discord's CDN would; `${origin}${path}` is its URL. */
  serveFile(path: string, data: Buffer, headers: Record<string, string> = { 'Content-Type': 'image/png' }): string {
    this.#files.set(path, { status: 200, data, headers });
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Resolves with the `d` of the next gateway frame with this opcode from the bot. */
  waitForOp(op: number, timeoutMs = 10_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no gateway op ${op} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ op, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  /** Requests the bot made, optionally filtered by method and path. */
  calls(method?: string, path?: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (!method || r.method === method) && (!path || path.test(r.path)));
  }

  /** Waits until `count` matching requests were made. */
  async waitForCalls(method: string, path: RegExp, count = 1, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    const started = Date.now();
    for (;;) {
      const found = this.calls(method, path);
      if (found.length >= count) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`expected ${count} ${method} ${path} within ${timeoutMs} ms, saw ${found.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // --- gateway -------------------------------------------------------------------------------

  #onConnection(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.#heartbeatIntervalMs } }));
    socket.on('message', (raw) => {
      let frame: { op: number; d: any };
      try {
        frame = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'decode error');
        return;
      }
      this.gatewayLog.push(frame);
      for (const waiter of this.#waiters.filter((w) => w.op === frame.op)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(frame.d);
      }
      this.#onFrame(socket, frame);
    });
    socket.on('close', () => {
      for (const shard of this.#shards) if (shard.session?.socket === socket) shard.session.socket = undefined;
    });
  }

  #onFrame(socket: WebSocket, frame: { op: number; d: any }): void {
    switch (frame.op) {
      case 1:
        socket.send(JSON.stringify({ op: 11 }));
        return;
      case 2:
        return this.#identify(socket, frame.d);
      case 6:
        return this.#resume(socket, frame.d);
      default:
        return;
    }
  }

  #identify(socket: WebSocket, d: { intents: number; shard?: [number, number] }): void {
    const [shardId, count] = d.shard ?? [0, 1];
    const shard = this.#shards[shardId];
    if (count !== this.shardCount || !shard) {
      // Discord: 4010 invalid shard, 4011 sharding required.
      socket.close(count < this.shardCount ? 4011 : 4010, 'invalid shard');
      return;
    }
    this.identifies.push({ shard: shardId, count, at: Date.now() });
    shard.session?.socket?.close(1000);
    const session: Session = { id: `session-${++this.#sessions}`, intents: d.intents, socket, delivered: 0 };
    // A new session: earlier dispatches belong to the old one (kept aside for redeliverOnIdentify).
    const old = shard.buffer;
    shard.session = session;
    shard.buffer = [];
    shard.seq = 0;
    const guilds = this.guilds.filter((g) => shardOfGuild(g.id, this.shardCount) === shardId);
    const ready = {
      v: 10,
      user: { id: BOT_USER_ID, username: 'cairn', discriminator: '0', global_name: 'Cairn', avatar: null, bot: true, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: `ws://127.0.0.1:${this.#port}/resume`,
      shard: [shardId, count],
      application: { id: APPLICATION_ID, flags: 0 },
    };
    this.dispatchOn(shardId, 'READY', ready);
    for (const guild of guilds) this.dispatchOn(shardId, 'GUILD_CREATE', this.#guildFor(guild, d.intents));
    if (shard.redeliverAfter !== undefined) {
      const after = shard.redeliverAfter;
      shard.redeliverAfter = undefined;
      for (const entry of old) if (entry.s > after && entry.t !== 'READY' && entry.t !== 'GUILD_CREATE') this.dispatchOn(shardId, entry.t, entry.d);
    }
  }

  #resume(socket: WebSocket, d: { session_id: string; seq: number }): void {
    const shard = this.#shards.find((s) => s.session?.id === d.session_id);
    const session = shard?.session;
    if (!shard || !session) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    session.socket = socket;
    const from = Math.max(0, d.seq - this.#replayExtra);
    this.#replayExtra = 0;
    for (const entry of shard.buffer) if (entry.s > from) this.#deliver(session, entry, true);
    const s = ++shard.seq;
    socket.send(JSON.stringify({ op: 0, t: 'RESUMED', s, d: {} }));
  }

  #deliver(session: Session, entry: Dispatch, replay = false): void {
    const intent = INTENT_OF[entry.t];
    if (intent !== undefined && (session.intents & intent) === 0) return;
    let d = entry.d;
    if (entry.t === 'MESSAGE_CREATE' && (session.intents & Intent.MessageContent) === 0) {
      d = { ...(d as object), content: '', embeds: [], attachments: [] };
    }
    if (!replay) session.delivered = entry.s;
    session.socket!.send(JSON.stringify({ op: 0, t: entry.t, s: entry.s, d }));
  }

  #guildFor(guild: Record<string, any>, intents: number): Record<string, any> {
    if ((intents & Intent.GuildMembers) !== 0) return guild;
    // Without the members intent Discord sends only the bot's own member.
    return { ...guild, members: (guild.members ?? []).filter((m: any) => m.user?.id === BOT_USER_ID) };
  }

  // --- REST ----------------------------------------------------------------------------------

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    const file = method === 'GET' ? this.#files.get(url.pathname) : undefined;
    if (file) {
      this.requests.push({ method, path: url.pathname, query: url.search, headers: req.headers, body: undefined, files: [], status: file.status });
      res.writeHead(file.status, { 'Content-Length': String(file.data.length), ...file.headers });
      res.end(file.data);
      return;
    }
    const { body, files } = await parseBody(Buffer.concat(chunks), req.headers['content-type'], method);
    const fault = this.#faults.find((f) => f.method === method && f.path.test(decodeURIComponent(path)) && f.remaining > 0);
    const reply = fault ? (fault.remaining--, fault.response) : this.#route(method, decodeURIComponent(path), body);
    this.requests.push({ method, path: decodeURIComponent(path), query: url.search, headers: req.headers, body, files, status: reply.status });
    this.onRequest?.(this.requests.at(-1)!);
    res.writeHead(reply.status, { ...(reply.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  #route(method: string, path: string, body: any): FakeResponse {
    const route = `${method} ${path}`;
    if (route === 'GET /gateway/bot') {
      return {
        status: 200,
        body: {
          url: `ws://127.0.0.1:${this.#port}/gateway`,
          shards: this.shardCount,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: this.maxConcurrency },
        },
      };
    }
    if (/^GET \/guilds\/\d+\/invites$/.test(route)) {
      const list = this.invites.get(path.split('/')[2]!);
      return list ? { status: 200, body: list.map((i) => ({ ...i, guild: { id: path.split('/')[2] }, channel: null })) } : { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
    }
    if (route === 'GET /gateway') return { status: 200, body: { url: `ws://127.0.0.1:${this.#port}/gateway` } };
    if (/^POST \/channels\/\d+\/messages$/.test(route)) {
      const channelId = path.split('/')[2]!;
      // Discord answers a repeated nonce with enforce_nonce by the message it already created.
      const key = body?.enforce_nonce && body?.nonce !== undefined ? `${channelId}:${body.nonce}` : undefined;
      const earlier = key === undefined ? undefined : this.#byNonce.get(key);
      if (earlier) return { status: 200, body: earlier };
      const message = this.#message(channelId, body);
      if (key !== undefined) this.#byNonce.set(key, message);
      this.channels.recordMessage(channelId, message);
      return { status: 200, body: message };
    }
    const channelRoute = this.channels.route(method, path, body);
    if (channelRoute) return channelRoute;
    if (/^(PUT|DELETE) \/guilds\/\d+\/members\/\d+\/roles\/\d+$/.test(route)) return { status: 204 };
    if (route === 'POST /users/@me/channels') {
      return { status: 200, body: { id: String(BigInt(body?.recipient_id ?? 0) + 7n), type: 1, recipients: [{ id: body?.recipient_id, username: 'member', discriminator: '0' }] } };
    }
    if (/^PUT \/applications\/\d+\/guilds\/\d+\/commands$/.test(route)) {
      const guildId = path.split('/')[4];
      const commands = Array.isArray(body) ? body : [];
      return {
        status: 200,
        body: commands.map((c: any, i: number) => ({ id: String(1_500_000_000_000_000_000n + BigInt(i)), application_id: APPLICATION_ID, guild_id: guildId, version: '1', type: 1, default_member_permissions: null, ...c })),
      };
    }
    if (/^POST \/interactions\/\d+\/[^/]+\/callback$/.test(route)) return { status: 204 };
    if (/^PATCH \/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(route)) return { status: 200, body: this.#message('0', body) };
    if (/^POST \/webhooks\/\d+\/[^/]+$/.test(route)) return { status: 200, body: this.#message('0', body) };
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  #message(channelId: string, body: any): Record<string, unknown> {
    return {
      id: String(++this.#messageIds),
      channel_id: channelId,
      type: 0,
      content: body?.content ?? '',
      embeds: body?.embeds ?? [],
      author: { id: BOT_USER_ID, username: 'cairn', discriminator: '0', bot: true, avatar: null },
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: body?.flags ?? 0,
      components: body?.components ?? [],
    };
  }
}

/** JSON, text, or multipart/form-data as discord.js sends files (payload_json plus files[n]). */
async function parseBody(raw: Buffer, contentType: string | undefined, method: string): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: method === 'GET' ? 'POST' : method, headers: { 'content-type': contentType }, body: raw }).formData();
    const files: RecordedFile[] = [];
    let body: unknown = undefined;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  if (!text) return { body: undefined, files: [] };
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}
