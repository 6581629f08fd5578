// Avatar images for cards: fetched only from Discord's CDN (or origins a test names), with a short
// timeout and a size limit, decoded once and kept scaled down in an LRU cache. Any failure gives
// null, and the card draws initials instead: a slow or hostile image never delays or breaks a card.
import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';
import { LruCache } from '../ai/lru.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { imageSize } from './image-size.ts';

/** Where a card gets its avatar image; null means "draw initials". */
export interface AvatarSource {
  load(url: string | null): Promise<Canvas | null>;
}

export interface AvatarOptions {
  /** Origins avatars may come from (scheme, host and port, exactly). */
  origins: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  /** Largest width × height decoded (a small file can unpack into a huge bitmap). */
  maxPixels: number;
  /** Side of the square an avatar is scaled to (the card draws it at 184 px). */
  sizePx: number;
  cacheEntries: number;
  cacheTtlMs: number;
  /** A failed URL is not tried again for this long (a dead CDN must not cost every card 1.5 s). */
  failureTtlMs: number;
}

export const DefaultAvatarOptions = {
  origins: ['https://cdn.discordapp.com'],
  timeoutMs: 1_500,
  maxBytes: 1_048_576,
  maxPixels: 4096 * 4096,
  sizePx: 184,
  cacheEntries: 256,
  cacheTtlMs: 10 * 60_000,
  failureTtlMs: 60_000,
} as const satisfies AvatarOptions;

export type AvatarFailure = 'origin' | 'status' | 'type' | 'too_large' | 'format' | 'dimensions' | 'decode' | 'timeout' | 'network';

class AvatarError extends Error {
  constructor(readonly reason: AvatarFailure, message: string) {
    super(message);
    this.name = 'AvatarError';
  }
}

export class CdnAvatars implements AvatarSource {
  readonly options: AvatarOptions;
  readonly #images: LruCache<Canvas>;
  readonly #failures: LruCache<AvatarFailure>;
  readonly #inFlight = new Map<string, Promise<Canvas | null>>();
  readonly #logger: Logger;

  constructor(options: Partial<AvatarOptions> = {}, deps: { logger?: Logger; now?: () => number } = {}) {
    this.options = { ...DefaultAvatarOptions, ...options };
    this.#images = new LruCache(this.options.cacheEntries, this.options.cacheTtlMs, deps.now);
    this.#failures = new LruCache(this.options.cacheEntries, this.options.failureTtlMs, deps.now);
    this.#logger = deps.logger ?? silentLogger;
  }

  async load(url: string | null): Promise<Canvas | null> {
    if (!url) return null;
    const cached = this.#images.get(url);
    if (cached) return cached;
    if (this.#failures.get(url)) return null;
    // Ten cards of one member at once fetch the avatar once.
    const pending = this.#inFlight.get(url);
    if (pending) return pending;
    const loading = this.#fetch(url).then(
      (image) => {
        this.#images.set(url, image);
        return image;
      },
      (error: unknown) => {
        const reason: AvatarFailure = error instanceof AvatarError ? error.reason : isTimeout(error) ? 'timeout' : 'network';
        this.#failures.set(url, reason);
        this.#logger.debug({ url: safeForLog(url), reason, err: error }, 'avatar not loaded; drawing initials');
        return null;
      },
    );
    this.#inFlight.set(url, loading);
    try {
      return await loading;
    } finally {
      this.#inFlight.delete(url);
    }
  }

  /** Whether a URL is one this source would fetch. */
  allows(url: string): boolean {
    return allowedUrl(url, this.options.origins) !== null;
  }

  async #fetch(raw: string): Promise<Canvas> {
    const url = allowedUrl(raw, this.options.origins);
    if (!url) throw new AvatarError('origin', 'the avatar URL is not on an allowed origin');
    // Discord's CDN serves any power-of-two size: ask for one close to what is drawn.
    if (!url.searchParams.has('size')) url.searchParams.set('size', '256');
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const response = await fetch(url, { signal, redirect: 'error', headers: { accept: 'image/png,image/webp,image/jpeg,image/gif' } });
    if (!response.ok) throw new AvatarError('status', `the CDN answered ${response.status}`);
    if (!/^image\//i.test(response.headers.get('content-type') ?? '')) throw new AvatarError('type', 'not an image');
    const bytes = await readLimited(response, this.options.maxBytes);
    const size = imageSize(bytes);
    if (!size) throw new AvatarError('format', 'not a PNG, GIF, WebP or JPEG image');
    if (size.width === 0 || size.height === 0 || size.width * size.height > this.options.maxPixels) throw new AvatarError('dimensions', `${size.width}×${size.height} pixels`);
    let image;
    try {
      image = await loadImage(bytes);
    } catch (error) {
      throw new AvatarError('decode', `the image does not decode: ${String(error)}`);
    }
    return squareCrop(image, this.options.sizePx);
  }
}

function allowedUrl(raw: string, origins: readonly string[]): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  return origins.includes(url.origin) ? url : null;
}

/** The body, refused as soon as it passes `maxBytes` (whatever Content-Length claimed). */
async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new AvatarError('too_large', `${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AvatarError('too_large', `more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The centre square of the image, scaled to `side` pixels: what the card's circle shows. */
function squareCrop(image: Awaited<ReturnType<typeof loadImage>>, side: number): Canvas {
  const canvas = createCanvas(side, side);
  const ctx = canvas.getContext('2d');
  const edge = Math.min(image.width, image.height);
  ctx.drawImage(image, (image.width - edge) / 2, (image.height - edge) / 2, edge, edge, 0, 0, side, side);
  return canvas;
}

const isTimeout = (error: unknown) => error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');

/** The URL without its query (Discord's are not secret, but a test's could carry anything). */
const safeForLog = (url: string) => url.split('?')[0]!.slice(0, 200);
