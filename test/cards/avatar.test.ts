// Avatars for cards come only from allowed origins, within a time and size limit, decoded once and
// cached; every failure (slow, huge, not an image, a bomb, a redirect elsewhere) is null → initials.
// The "CDN" here is a server on 127.0.0.1: no test reaches the network.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CdnAvatars, type AvatarOptions } from '../../src/cards/avatar.ts';
import { imageSize } from '../../src/cards/image-size.ts';
import { solidImage } from './support.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let origin: string;
const handlers = new Map<string, Handler>();
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(`${path}${new URL(req.url ?? '/', 'http://x').search}`);
    const handler = handlers.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  handlers.clear();
  hits.length = 0;
});

const serve = (path: string, body: Buffer, headers: Record<string, string> = { 'Content-Type': 'image/png' }) =>
  handlers.set(path, (_req, res) => res.writeHead(200, { 'Content-Length': String(body.length), ...headers }).end(body));
const avatars = (options: Partial<AvatarOptions> = {}) => new CdnAvatars({ origins: [origin], ...options });

/** A PNG signature and IHDR that claim width × height, with nothing behind them. */
function pngHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

describe('CdnAvatars', () => {
  it('only trusts Discord’s CDN by default', () => {
    const cdn = new CdnAvatars();
    expect(cdn.allows('https://cdn.discordapp.com/avatars/1/abc.png')).toBe(true);
    for (const url of ['http://cdn.discordapp.com/avatars/1/a.png', 'https://cdn.discordapp.com.evil.example/a.png', 'https://user:pw@cdn.discordapp.com/a.png', 'https://media.discordapp.net/a.png', 'file:///etc/passwd', 'not a url', `${origin}/a.png`]) {
      expect(cdn.allows(url), url).toBe(false);
    }
  });

  it('loads a PNG from an allowed origin once, scaled to a square, asking for size 256', async () => {
    serve('/avatars/1/a.png', solidImage('#00ff00', 300));
    const source = avatars();
    const image = await source.load(`${origin}/avatars/1/a.png`);
    expect(image).not.toBeNull();
    expect([image!.width, image!.height]).toEqual([184, 184]);
    expect(await source.load(`${origin}/avatars/1/a.png`)).toBe(image);
    expect(hits).toEqual(['/avatars/1/a.png?size=256']);
  });

  it('decodes JPEG and WebP too', async () => {
    serve('/j.jpg', solidImage('#ff0000', 64, 'image/jpeg'), { 'Content-Type': 'image/jpeg' });
    serve('/w.webp', solidImage('#ff0000', 64, 'image/webp'), { 'Content-Type': 'image/webp' });
    expect(await avatars().load(`${origin}/j.jpg`)).not.toBeNull();
    expect(await avatars().load(`${origin}/w.webp`)).not.toBeNull();
  });

  it('fetches one URL once for concurrent cards', async () => {
    handlers.set('/slow.png', (_req, res) => setTimeout(() => res.writeHead(200, { 'Content-Type': 'image/png' }).end(solidImage('#123456')), 50));
    const source = avatars();
    const images = await Promise.all(Array.from({ length: 10 }, () => source.load(`${origin}/slow.png`)));
    expect(new Set(images).size).toBe(1);
    expect(images[0]).not.toBeNull();
    expect(hits).toHaveLength(1);
  });

  it('never requests a URL off the allowed origins', async () => {
    serve('/a.png', solidImage('#00ff00'));
    expect(await new CdnAvatars().load(`${origin}/a.png`)).toBeNull();
    expect(await avatars().load(`${origin.replace('127.0.0.1', 'localhost')}/a.png`)).toBeNull();
    expect(await avatars().load(null)).toBeNull();
    expect(hits).toEqual([]);
  });

  it('gives up after the timeout, and does not try a failed URL again for a while', async () => {
    handlers.set('/hang.png', () => undefined);
    const source = avatars({ timeoutMs: 100 });
    const started = performance.now();
    expect(await source.load(`${origin}/hang.png`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await source.load(`${origin}/hang.png`)).toBeNull();
    expect(hits).toHaveLength(1);
  });

  it('gives up on a body that stalls halfway', async () => {
    handlers.set('/half.png', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.write(solidImage('#000000').subarray(0, 20));
    });
    expect(await avatars({ timeoutMs: 100 }).load(`${origin}/half.png`)).toBeNull();
  });

  it('refuses bodies over the size limit, declared or streamed', async () => {
    serve('/big.png', Buffer.alloc(2_000_000));
    handlers.set('/chunked.png', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024));
      res.end();
    });
    expect(await avatars().load(`${origin}/big.png`)).toBeNull();
    expect(await avatars().load(`${origin}/chunked.png`)).toBeNull();
  });

  it('refuses what is not an image: HTML, garbage labelled PNG, a 404, a redirect elsewhere', async () => {
    serve('/page.png', Buffer.from('<html>'), { 'Content-Type': 'text/html' });
    serve('/garbage.png', Buffer.from('definitely not a png'));
    serve('/broken.png', Buffer.concat([pngHeader(16, 16), Buffer.alloc(100, 7)]));
    handlers.set('/moved.png', (_req, res) => res.writeHead(302, { Location: 'https://cdn.discordapp.com/x.png' }).end());
    for (const path of ['/page.png', '/garbage.png', '/broken.png', '/missing.png', '/moved.png']) expect(await avatars().load(`${origin}${path}`), path).toBeNull();
  });

  it('refuses an image whose header claims a huge bitmap without decoding it', async () => {
    serve('/bomb.png', pngHeader(30_000, 30_000));
    serve('/zero.png', pngHeader(0, 10));
    expect(await avatars().load(`${origin}/bomb.png`)).toBeNull();
    expect(await avatars().load(`${origin}/zero.png`)).toBeNull();
  });
});

describe('imageSize', () => {
  it('reads PNG, JPEG and WebP headers and refuses unknown bytes', () => {
    expect(imageSize(solidImage('#fff', 40))).toEqual({ format: 'png', width: 40, height: 40 });
    expect(imageSize(solidImage('#fff', 33, 'image/jpeg'))).toEqual({ format: 'jpeg', width: 33, height: 33 });
    expect(imageSize(solidImage('#fff', 21, 'image/webp'))).toMatchObject({ format: 'webp', width: 21, height: 21 });
    expect(imageSize(Buffer.from('GIF89a\x10\x00\x20\x00', 'latin1'))).toEqual({ format: 'gif', width: 16, height: 32 });
    expect(imageSize(Buffer.alloc(0))).toBeNull();
    expect(imageSize(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });
});
