// The operations of Cairn's OpenAPI document, each with an arbitrary of requests for it: path
// parameters, query values and bodies, valid, near-valid (one field changed) and hostile.
import fc from 'fast-check';
import { describeValue, encodeUrlText, extraKey, hostileUrlText, hostileValue, mutate, mutationKind, RawJson, toJsonText } from './hostile.ts';
import { knownKeys, schemaArbitrary, type JsonSchema, type SchemaContext } from './schema-arbitrary.ts';

export interface Operation {
  /** `POST /api/guilds/{guildId}/rules` */
  id: string;
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; schema: JsonSchema }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}

/** Operations that take a body, path parameters or query values. */
export function operationsOf(document: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters = op.parameters ?? [];
      const body = op.requestBody?.content['application/json'].schema;
      if (parameters.length === 0 && !body) continue;
      operations.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        ...(body ? { body } : {}),
      });
    }
  }
  return operations;
}

/** One request as generated: printed short in counterexamples. */
export class FuzzRequest {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly credential: 'guild' | 'operator',
    readonly contentType: string | undefined,
    readonly body: string | undefined,
    readonly bodyKind: string,
  ) {}
  toString() {
    const body = this.body === undefined ? '' : ` body(${this.bodyKind}, ${this.contentType})=${this.body.length > 600 ? `${this.body.slice(0, 600)}… (${this.body.length} chars)` : this.body}`;
    const url = this.url.length > 300 ? `${this.url.slice(0, 300)}… (${this.url.length} chars)` : this.url;
    return `${this.method} ${url} as ${this.credential}${body}`;
  }
  [fc.toStringMethod]() {
    return this.toString();
  }
}

/** What the running guild holds, so valid path parameters and near-valid bodies reach real rows. */
export interface FuzzWorld {
  guildId: string;
  /** Keys per path prefix segment (rules, currencies, zones, milestones, shop). */
  keys: Record<string, string[]>;
  members: string[];
  /** Documents read back from the API, as starting points for near-valid bodies. */
  examples: Record<string, unknown[]>;
  /** Ids that must not be revoked or rolled back under the fuzz (its own token). */
  protectedTokenId: number;
}

const NON_JSON_BODIES = ['{', 'nan', '[1,]', "{'a':1}", '\u0000', 'null', '"just a string"', '\ufeff{}', 'x'.repeat(2_000_000)];

function pathParamArbitrary(operation: Operation, name: string, world: FuzzWorld): fc.Arbitrary<string> {
  const section = operation.path.split('/')[4] ?? '';
  const valid = (() => {
    if (name === 'guildId') return fc.constant(world.guildId);
    if (name === 'userId') return fc.constantFrom(...world.members);
    if (name === 'key' && world.keys[section]?.length) return fc.oneof(fc.constantFrom(...world.keys[section]!), fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/));
    if (name === 'id') return fc.integer({ min: 1, max: 60 }).filter((id) => !(section === '' && id === world.protectedTokenId)).map(String);
    return fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/);
  })();
  // Hostile guild ids mostly meet the access check (403); still worth a share of the runs.
  return fc.oneof({ arbitrary: valid.map(encodeUrlText), weight: 3 }, { arbitrary: hostileUrlText, weight: 1 });
}

function queryArbitrary(operation: Operation, context: SchemaContext): fc.Arbitrary<string> {
  if (operation.query.length === 0) return fc.constant('');
  const pairs = operation.query.map(({ name, schema }) =>
    fc.option(
      fc.oneof(
        { arbitrary: schemaArbitrary(schema, context).map((v) => `${name}=${encodeUrlText(String(v))}`), weight: 2 },
        { arbitrary: hostileUrlText.map((v) => `${name}=${v}`), weight: 1 },
        { arbitrary: fc.constant(`${name}=a&${name}=b`), weight: 1 },
      ),
      { nil: undefined },
    ),
  );
  const extra = fc.option(fc.constantFrom('unknown=1', '%00=1', 'a=%ED%A0%80', '__proto__=1', '='), { nil: undefined });
  return fc.tuple(fc.tuple(...pairs), extra).map(([parts, more]) => {
    const all = [...parts, more].filter((p): p is string => p !== undefined);
    return all.length ? `?${all.join('&')}` : '';
  });
}

interface Body {
  kind: string;
  contentType?: string;
  text?: string;
}

function bodyArbitrary(operation: Operation, context: SchemaContext, world: FuzzWorld, extra: fc.Arbitrary<unknown>[] = []): fc.Arbitrary<Body> {
  if (!operation.body) return fc.constant({ kind: 'none' });
  const json = 'application/json';
  const keys = knownKeys(operation.body, context);
  const fetched = (world.examples[operation.id] ?? []).map((doc) =>
    keys && doc && typeof doc === 'object' && !Array.isArray(doc) ? Object.fromEntries(Object.entries(doc).filter(([k]) => keys.has(k))) : doc,
  );
  const valid = fc.oneof(schemaArbitrary(operation.body, context), ...(fetched.length ? [fc.constantFrom(...fetched)] : []), ...extra);
  const near = fc.tuple(valid, fc.nat(), mutationKind, hostileValue, extraKey).map(([v, pick, kind, hostile, key]) => mutate(v, pick, kind, hostile, key));
  return fc.oneof(
    { arbitrary: valid.map((v) => ({ kind: 'valid', contentType: json, text: toJsonText(v) })), weight: 2 },
    { arbitrary: near.map((v) => ({ kind: 'near-valid', contentType: json, text: toJsonText(v) })), weight: 5 },
    { arbitrary: hostileValue.map((v) => ({ kind: 'hostile', contentType: json, text: toJsonText(v) })), weight: 1 },
    {
      arbitrary: fc.oneof(
        fc.constant<Body>({ kind: 'empty', contentType: json, text: '' }),
        fc.constant<Body>({ kind: 'no body', contentType: undefined }),
        fc.constantFrom(...NON_JSON_BODIES).map((text): Body => ({ kind: 'not json', contentType: json, text })),
        valid.map((v): Body => ({ kind: 'wrong content type', contentType: 'text/plain', text: toJsonText(v) })),
      ),
      weight: 1,
    },
  );
}

/** Requests for one operation. `extraBodies` adds hand-made valid documents (e.g. events). */
export function requestArbitrary(operation: Operation, context: SchemaContext, world: FuzzWorld, extraBodies: fc.Arbitrary<unknown>[] = []): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...operation.pathParams.map((name) => pathParamArbitrary(operation, name, world)));
  const operatorOnly = operation.path.startsWith('/api/tokens') || !operation.path.startsWith('/api/guilds/');
  const credential = operatorOnly ? fc.constant<'operator'>('operator') : fc.constantFrom<'guild' | 'operator'>('guild', 'guild', 'guild', 'operator');
  return fc
    .tuple(params, queryArbitrary(operation, context), bodyArbitrary(operation, context, world, extraBodies), credential)
    .map(([values, query, body, who]) => {
      let path = operation.path;
      operation.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, values[i]!)));
      return new FuzzRequest(operation.method, path + query, who, body.contentType, body.text, body.kind);
    });
}

export { describeValue, RawJson };
