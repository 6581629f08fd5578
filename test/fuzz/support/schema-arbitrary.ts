// Values of the right shape for a JSON Schema (the subset zod-openapi writes into Cairn's OpenAPI
// document): the starting point the fuzz mutates. Written here rather than taken from a package:
// json-schema-fast-check is an unmaintained 0.0.x and zod-fast-check targets zod 3, while this
// document uses only a dozen keywords. Sizes are kept small: the fuzz wants many requests, not big ones.
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
};

export interface SchemaContext {
  /** components.schemas of the document, for $ref. */
  components: Record<string, JsonSchema>;
}

/** Follows a local $ref (#/components/schemas/Name). */
export function resolve(schema: JsonSchema, context: SchemaContext): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const name = current.$ref.split('/').at(-1)!;
    current = context.components[name] ?? {};
  }
  return current;
}

const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 }).map((v) => v as unknown);

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, 24));
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
  }
  return fc.string({ minLength: min, maxLength: max });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6);
  if (integer) {
    const small = fc.integer({ min: Math.max(low, -1000), max: Math.max(Math.max(low, -1000), Math.min(high, 1000)) });
    return fc.oneof(small, fc.constantFrom(low, high).filter(Number.isSafeInteger));
  }
  return fc.oneof(fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(low, high));
}

/** An arbitrary of values matching `schema` (best effort: semantic checks are the server's). */
export function schemaArbitrary(schema: JsonSchema, context: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, context);
  if (depth > 6) return fc.constant(s.default ?? null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => schemaArbitrary(a, context, depth + 1)));
  if (s.allOf?.length) return schemaArbitrary(s.allOf[0]!, context, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => schemaArbitrary({ ...s, type }, context, depth)));
  switch (types[0]) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(s.items ? schemaArbitrary(s.items, context, depth + 1) : anyJson, { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 3, 3)) });
    }
    case 'object':
      return objectArbitrary(s, context, depth);
    default:
      return anyJson;
  }
}

function objectArbitrary(s: JsonSchema, context: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const properties = s.properties ?? {};
  if (Object.keys(properties).length > 0) {
    const record = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, schemaArbitrary(child, context, depth + 1)]));
    return fc.record(record, { requiredKeys: (s.required ?? []).filter((k) => k in properties) });
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    const keys = s.propertyNames ? stringArbitrary(resolve(s.propertyNames, context)) : fc.string({ minLength: 1, maxLength: 12 });
    return fc.dictionary(keys, schemaArbitrary(s.additionalProperties, context, depth + 1), { maxKeys: 3 });
  }
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anyJson, { maxKeys: 2 });
}

/** The property names a body schema knows, to trim fetched documents down to a request body. */
export function knownKeys(schema: JsonSchema, context: SchemaContext): Set<string> | undefined {
  const s = resolve(schema, context);
  if (s.properties) return new Set(Object.keys(s.properties));
  return undefined;
}
