// The OpenAPI document, generated (zod-openapi) from the zod schemas the routes validate with.
// Each route module lists its operations; this file assembles them at /api/openapi.json.
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. /api/guilds/{guildId}/rules/{key} */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  /** The 200 answer's media type when it is not JSON (e.g. image/png). */
  mediaType?: string;
  /** Extra statuses besides the usual 400/401/403/404/422. */
  statuses?: number[];
  public?: boolean;
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

function operation(doc: RouteDoc): ZodOpenApiOperationObject {
  const params = [...doc.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const responses: Record<string, unknown> = {
    200: { description: 'OK', content: { [doc.mediaType ?? 'application/json']: { schema: doc.response ?? (doc.mediaType ? z.string().meta({ format: 'binary' }) : z.unknown()) } } },
    400: errorResponse('Malformed request'),
    422: errorResponse('Validation failed: details list each field path'),
  };
  if (!doc.public) {
    responses[401] = errorResponse('Missing or invalid credentials');
    responses[403] = errorResponse('A guild the caller may not manage, or a missing CSRF token on a cookie request');
    // Every credentialed route but /api/auth/* is rate limited (api/middleware/rate-limit.ts).
    if (!doc.path.startsWith('/api/auth/')) responses[429] = errorResponse('Rate limited (per credential and per guild, CAIRN_RATE_LIMIT_*); the Retry-After header gives the seconds to wait');
  }
  for (const s of doc.statuses ?? []) responses[s] = errorResponse(s === 404 ? 'Not found' : s === 409 ? 'Conflict' : s === 429 ? 'Too many requests' : 'Error');
  return {
    summary: doc.summary,
    tags: [doc.tag],
    ...(doc.public ? { security: [] } : {}),
    responses: responses as ZodOpenApiOperationObject['responses'],
    requestParams: {
      ...(params.length > 0 ? { path: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } : {}),
      ...(doc.query ? { query: doc.query } : {}),
    },
    ...(doc.body ? { requestBody: { content: { 'application/json': { schema: doc.body } } } } : {}),
  };
}

export function openApiDocument(docs: RouteDoc[]): unknown {
  const paths: ZodOpenApiPathsObject = {};
  for (const doc of docs) {
    const item = (paths[doc.path] ??= {}) as Record<string, ZodOpenApiOperationObject>;
    item[doc.method] = operation(doc);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Cairn API',
      version: '1.0.0',
      description: 'Discord ids are decimal strings (snowflakes exceed 2^53). Errors: {"error":{"code","message","details"?,"requestId"}}.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The operator token (CAIRN_ADMIN_TOKEN) or a guild-scoped API token' },
        session: { type: 'apiKey', in: 'cookie', name: 'cairn_session', description: 'Panel session; changes also need the X-CSRF-Token header' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  });
}
