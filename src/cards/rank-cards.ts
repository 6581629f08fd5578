// Rank cards as a service for /profile and the API: the member's data from the database, the avatar
// from its source, the PNG from the renderer, all within a time limit. Outcomes are values: callers
// fall back (the embed) or answer 404 without catching anything.
import { createHash } from 'node:crypto';
import type { Executor } from '../db/client.ts';
import { CdnAvatars, type AvatarSource } from './avatar.ts';
import { loadRankCardData, type CardFallback } from './card-data.ts';
import { renderRankCard, type AvatarImage, type RankCardData } from './rank-card.ts';

export interface RankCardsOptions {
  /** Longest a whole card may take (data, avatar, drawing) before the caller falls back. */
  timeoutMs: number;
}

export const DefaultRankCardsOptions = { timeoutMs: 1_800 } as const satisfies RankCardsOptions;

export interface RankCardsDeps {
  avatars?: AvatarSource;
  /** The drawing; replaceable so tests can make it fail or stall. */
  render?: (data: RankCardData, avatar: AvatarImage | null) => Buffer | Promise<Buffer>;
}

export type CardResult =
  | { kind: 'rendered'; png: Buffer; etag: string; data: RankCardData }
  /** The caller's If-None-Match already names this card. */
  | { kind: 'not_modified'; etag: string }
  | { kind: 'unknown_guild' | 'unknown_member' | 'timeout' }
  | { kind: 'failed'; error: unknown };

/** Bumped when the drawing changes, so cached cards (ETag) are not reused across versions. */
const RENDERER_VERSION = 1;

export class RankCards {
  readonly options: RankCardsOptions;
  readonly avatars: AvatarSource;
  readonly #render: NonNullable<RankCardsDeps['render']>;

  constructor(options: Partial<RankCardsOptions> = {}, deps: RankCardsDeps = {}) {
    this.options = { ...DefaultRankCardsOptions, ...options };
    this.avatars = deps.avatars ?? new CdnAvatars();
    this.#render = deps.render ?? renderRankCard;
  }

  /**
   * The card of a member. `requireKnown`: an id the guild has never seen is 'unknown_member' (the
   * API's 404); /profile draws a card for anyone who runs it.
   */
  async card(db: Executor, guildId: string, userId: string, options: { fallback?: CardFallback; requireKnown?: boolean; ifNoneMatch?: string } = {}): Promise<CardResult> {
    return this.#withinTime(async () => {
      const subject = await loadRankCardData(db, guildId, userId, options.fallback);
      if (!subject) return { kind: 'unknown_guild' };
      if (options.requireKnown && !subject.known) return { kind: 'unknown_member' };
      const etag = cardEtag(subject.data);
      if (options.ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) return { kind: 'not_modified', etag };
      return this.#draw(subject.data, etag);
    });
  }

  /** The PNG of a card already read (the benchmark, previews). */
  async render(data: RankCardData): Promise<CardResult> {
    return this.#withinTime(() => this.#draw(data, cardEtag(data)));
  }

  async #draw(data: RankCardData, etag: string): Promise<CardResult> {
    const png = await this.#render(data, await this.avatars.load(data.avatarUrl));
    return { kind: 'rendered', png, etag, data };
  }

  async #withinTime(work: () => Promise<CardResult>): Promise<CardResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CardResult>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), this.options.timeoutMs);
    });
    try {
      return await Promise.race([work().catch((error: unknown): CardResult => ({ kind: 'failed', error })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A strong ETag over everything drawn: the same data draws the same card. */
export function cardEtag(data: RankCardData): string {
  return `"card-${RENDERER_VERSION}-${createHash('sha256').update(JSON.stringify(data)).digest('base64url').slice(0, 27)}"`;
}

const DISCORD_API_ORIGIN = 'https://discord.com';
const shared = new Map<string, RankCards>();

/**
 * One instance per avatar origin and process, shared by the bot and the API (one avatar cache).
 * Avatars come from Discord's CDN; when Cairn talks to another Discord (DISCORD_API_URL, the fake
 * Discord of the tests), only that server's origin is trusted for avatars, so no test reaches the
 * real CDN.
 */
export function sharedRankCards(discordApiUrl?: string): RankCards {
  const origin = (discordApiUrl && URL.canParse(discordApiUrl) && new URL(discordApiUrl).origin) || DISCORD_API_ORIGIN;
  let cards = shared.get(origin);
  if (!cards) {
    cards = new RankCards({}, { avatars: new CdnAvatars(origin === DISCORD_API_ORIGIN ? {} : { origins: [origin] }) });
    shared.set(origin, cards);
  }
  return cards;
}
