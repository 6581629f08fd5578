// GET /p/:guildId/leaderboard — the public leaderboard page, no login: only for a guild whose
// settings switch it on (public_leaderboard.enabled), only the currencies it lists, 50 members a
// page. Anything else (unknown or malformed guild, a currency not listed, a page past the end) is
// the same 404 page, so the page says nothing about guilds that did not opt in.
//
// Caching: rendered pages are kept 30 s in process and marked `Cache-Control: public, max-age=30`.
// A settings change needs no invalidation message: every request reads the guild's row first (one
// primary-key lookup) and the cache key holds the public settings it was rendered under, so
// switching the page off answers 404 at once and changing the currencies never serves the old
// list. Names, avatars and member opt-outs reach the page within the TTL; an opt-out made through
// the API in this process drops the guild's pages at once (PublicPages.forget).
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { PublicLeaderboardSettings } from '../guilds/settings.ts';
import type { AppEnv } from '../api/types.ts';
import { queryRows } from '../db/client.ts';
import { isSnowflake } from '../db/snowflake.ts';
import { leaderboard, type LeaderboardPeriod } from '../ledger/leaderboard.ts';
import { renderLeaderboardPage, renderNotFound } from './leaderboard-view.ts';
import { PageCache } from './page-cache.ts';

export const PUBLIC_PAGE_SIZE = 50;
export const PUBLIC_TTL_SECONDS = 30;
const PERIODS = new Set<LeaderboardPeriod>(['all', 'season', 'week']);
const DEFAULT_ACCENT = '#5865f2';

/** A page with its gzip bytes, made once per cache entry: phones on slow links get a fifth of the bytes. */
type Rendered = { status: 200; html: string; gzip: Uint8Array } | { status: 404 };

/** The rendered pages of one app, shared with the routes that change what they show. */
export class PublicPages {
  readonly cache: PageCache<Rendered>;
  /** ttlMs 0 renders every request afresh (the benchmark's uncached case). */
  constructor(options: { ttlMs?: number } = {}) {
    this.cache = new PageCache<Rendered>({ ttlMs: options.ttlMs ?? PUBLIC_TTL_SECONDS * 1000 });
  }

  forget(guildId: string): void {
    this.cache.invalidate(`${guildId}|`);
  }
}

interface GuildRow {
  name: string;
  icon_url: string | null;
  public_leaderboard: unknown;
  accent_color: string | null;
  currencies: { key: string; name: string; symbol: string }[];
}

export function publicRoutes(pages: PublicPages = new PublicPages()) {
  const app = new Hono<AppEnv>();
  app.get('/p/:guildId/leaderboard', async (c) => {
    const guildId = c.req.param('guildId');
    if (!isSnowflake(guildId)) return notFound(c);
    const db = c.get('services').database.db;
    // One round trip on every request, hit or miss: the guild's public settings and its currencies.
    const [guild] = await queryRows<GuildRow>(
      db,
      sql`SELECT g.name, g.icon_url, g.settings->'public_leaderboard' AS public_leaderboard, g.settings->>'accent_color' AS accent_color,
                 COALESCE((SELECT json_agg(json_build_object('key', c.key, 'name', c.name, 'symbol', c.symbol) ORDER BY c.display_order, c.key) FROM currencies c WHERE c.guild_id = g.id), '[]') AS currencies
          FROM guilds g WHERE g.id = ${guildId}`,
    );
    const settings = guild ? PublicLeaderboardSettings.safeParse(guild.public_leaderboard) : undefined;
    if (!guild || !settings?.success || !settings.data.enabled || settings.data.currencies.length === 0) return notFound(c);
    const listed = settings.data.currencies;

    const currencyParam = c.req.query('currency');
    const periodParam = c.req.query('period') ?? 'all';
    const pageParam = c.req.query('page') ?? '1';
    if (!PERIODS.has(periodParam as LeaderboardPeriod) || !/^[1-9][0-9]{0,5}$/.test(pageParam)) return notFound(c);
    const period = periodParam as LeaderboardPeriod;
    const page = Number(pageParam);
    // The listed currencies the guild still has, in its display order.
    const currencies = guild.currencies.filter((x) => listed.includes(x.key));
    const currency = currencyParam === undefined ? currencies[0] : currencies.find((x) => x.key === currencyParam);
    if (!currency) return notFound(c);

    const accent = guild.accent_color && /^#[0-9a-fA-F]{6}$/.test(guild.accent_color) ? guild.accent_color : DEFAULT_ACCENT;
    // The key holds what the page was rendered under (see the comment at the top).
    const key = [guildId, currency.key, period, page, listed.join(','), accent, guild.name, guild.icon_url ?? ''].join('|');
    const { value, hit } = pages.cache.get(key, async (): Promise<Rendered> => {
      const result = await leaderboard(db, guildId, { currency: currency.key, period, limit: PUBLIC_PAGE_SIZE, offset: (page - 1) * PUBLIC_PAGE_SIZE, now: c.get('services').clock.now() });
      if (!result.ok) return { status: 404 };
      const pagesTotal = Math.max(1, Math.ceil(result.board.total / PUBLIC_PAGE_SIZE));
      if (page > pagesTotal) return { status: 404 };
      const html = renderLeaderboardPage({ guild: { id: guildId, name: guild.name, iconUrl: guild.icon_url }, accent, currencies, board: result.board, page, pages: pagesTotal });
      return { status: 200, html, gzip: gzipSync(html) };
    });
    const rendered = await value;
    if (rendered.status === 404) return notFound(c);
    c.header('Cache-Control', `public, max-age=${PUBLIC_TTL_SECONDS}`);
    c.header('X-Cache', hit ? 'hit' : 'miss');
    c.header('Vary', 'Accept-Encoding');
    securityHeaders(c);
    if (/\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      c.header('Content-Type', 'text/html; charset=UTF-8');
      return c.body(rendered.gzip as Uint8Array<ArrayBuffer>);
    }
    return c.html(rendered.html);
  });
  // Every other /p/ path is this 404 too, never the panel's SPA page.
  app.all('/p/*', (c) => notFound(c));
  return app;
}

function securityHeaders(c: Context) {
  // No script at all; images only from https (Discord's CDN); nothing is sent to those hosts about the page.
  c.header('Content-Security-Policy', "default-src 'none'; img-src https:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Content-Type-Options', 'nosniff');
}

function notFound(c: Context) {
  c.header('Cache-Control', 'no-store');
  securityHeaders(c);
  return c.html(renderNotFound(), 404);
}
