// The request body limit over real HTTP (@hono/node-server): a body whose length is declared is
// judged by its header, one sent in chunks is counted as it arrives; either way a body over
// CAIRN_MAX_BODY_BYTES is a 413 with Cairn's error shape, and one within it is read whole.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent, seedGuild } from '../support/factories.ts';

const LIMIT = 4096;
let database: TestDatabase;
let server: ServerType;
let port: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const api = await createTestApp(database, { CAIRN_MAX_BODY_BYTES: String(LIMIT) });
  await seedGuild(database, { guildId: GUILD });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
});

/** POSTs a body in the given chunks: with Content-Length when `declared`, else chunked. */
function post(chunks: string[], declared: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
    const req = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: `/api/guilds/${GUILD}/events`,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': String(length) } : {}) },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const padded = (bytes: number) => JSON.stringify([{ ...messageEvent(), data: { length: 10, pad: 'x'.repeat(bytes) } }]);

describe('the request body limit over HTTP', () => {
  it('reads a body within the limit whole, declared or chunked', async () => {
    for (const declared of [true, false]) {
      const body = JSON.stringify([messageEvent()]);
      const answer = await post([body.slice(0, 50), body.slice(50)], declared);
      expect(answer.status, answer.body).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ accepted: 1 });
    }
  });

  it('answers 413 payload_too_large to a body over the limit, declared or chunked', async () => {
    for (const declared of [true, false]) {
      const body = padded(LIMIT * 2);
      const answer = await post([body.slice(0, 1000), body.slice(1000)], declared);
      expect(answer.status, `declared: ${declared}`).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
    }
  });
});
