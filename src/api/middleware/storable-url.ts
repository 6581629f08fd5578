// Path segments and query values reach SQL as text: one that Postgres cannot store (a NUL, a lone
// surrogate, a malformed percent-escape) is a 400 naming where it is, before any route reads it.
import type { MiddlewareHandler } from 'hono';
import { unstorableText } from '../../db/storable.ts';
import { ApiError } from '../errors.ts';

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

export const storableUrl: MiddlewareHandler = async (c, next) => {
  const url = new URL(c.req.url);
  const problems: { path: string; message: string }[] = [];
  url.pathname.split('/').forEach((raw, i) => {
    const segment = decode(raw);
    if (segment === undefined) problems.push({ path: `path[${i}]`, message: 'is not valid percent-encoded UTF-8' });
    else {
      const message = unstorableText(segment);
      if (message) problems.push({ path: `path[${i}]`, message });
    }
  });
  for (const rawPair of url.search.slice(1).split('&')) {
    if (rawPair === '') continue;
    const [rawKey = '', rawValue = ''] = rawPair.split('=');
    const key = decode(rawKey.replace(/\+/g, ' '));
    const value = decode(rawValue.replace(/\+/g, ' '));
    if (key === undefined || value === undefined) problems.push({ path: `query.${key ?? rawKey}`, message: 'is not valid percent-encoded UTF-8' });
    else {
      const message = unstorableText(key) ?? unstorableText(value);
      if (message) problems.push({ path: `query.${JSON.stringify(key).slice(1, -1)}`, message });
    }
  }
  if (problems.length > 0) throw new ApiError('bad_request', 'the URL holds text that cannot be stored', problems);
  await next();
};
