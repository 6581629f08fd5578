// The request body's size limit. A body whose length is declared (Content-Length, no chunked
// encoding) is judged by its header: Node's HTTP parser never reads past it. Only a body of unknown
// length is counted as it streams, by hono's bodyLimit. Hono's middleware alone reads
// `c.req.raw.body` for every request, which makes @hono/node-server build a full web Request with
// a ReadableStream and an AbortSignal (about a tenth of a millisecond each time) instead of its
// lightweight one whose text() reads the socket directly.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as streamingLimit } from 'hono/body-limit';
import { ApiError } from '../errors.ts';

export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new ApiError('payload_too_large', `the request body exceeds ${maxBytes} bytes`);
  };
  const streaming = streamingLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(declared)) {
      if (Number(declared) > maxBytes) tooLarge();
      return next();
    }
    return streaming(c, next);
  };
}
