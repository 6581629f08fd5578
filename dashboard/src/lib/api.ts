// The panel's one way to talk to Cairn: a fetch wrapper that sends the session cookie, adds the
// CSRF token to changing requests, and turns the API's error shape into an ApiError with field paths.
import { goto } from '$app/navigation';

/** One problem with a field, as the API reports it: `trigger.events[0]`, `effects[1].amount`… */
export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The problems for one field path (exact, or nested under it). */
  at(path: string): FieldProblem[] {
    return problemsAt(this.details, path);
  }
}

let csrfToken: string | null = null;

/** Set from /api/auth/me or the login answer; sent as X-CSRF-Token on changing requests. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not send the browser to the login page on 401 (the login page itself, the session probe). */
  allowUnauthorized?: boolean;
}

async function toDetails(details: unknown): Promise<FieldProblem[]> {
  if (!Array.isArray(details) || details.length === 0) return [];
  // Loaded with the first refusal only: a page that never fails does not carry the translations.
  const { plain } = await import('./plain');
  return details
    .filter((d): d is { path?: unknown; message?: unknown } => typeof d === 'object' && d !== null)
    .map((d) => ({ path: normalPath(String(d.path ?? '(root)')), message: plain(String(d.message ?? '')) }));
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(path.startsWith('/api') ? path : `/api${path}`, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'include',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Cairn could not be reached. Is the server running?');
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown; requestId?: string } } | undefined)?.error;
    const failure = new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? `${res.status} ${res.statusText}`, await toDetails(err?.details), err?.requestId);
    if (res.status === 401 && !options.allowUnauthorized) {
      const here = window.location.pathname + window.location.search;
      await goto(`/login?next=${encodeURIComponent(here)}`, { replaceState: true });
    }
    throw failure;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, options: Omit<RequestOptions, 'query' | 'body'> = {}) => request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** Path of a guild-scoped API route: g('123', 'rules', key) → /guilds/123/rules/<key>. */
export function g(guildId: string, ...parts: string[]): string {
  return `/guilds/${guildId}${parts.map((p) => '/' + encodeURIComponent(p)).join('')}`;
}

/** One spelling of a path: some answers write list items as `effects.0`, the panel as `effects[0]`. */
export const normalPath = (path: string) => path.replace(/\.(\d+)(?=[.[]|$)/g, '[$1]');

/** The problems of one field path, exact or nested under it (`effects[0]` → `effects[0].amount`). */
export function problemsAt(problems: FieldProblem[], path: string, exact = false): FieldProblem[] {
  const want = normalPath(path);
  return problems.filter((d) => {
    const at = normalPath(d.path);
    return at === want || (!exact && (at.startsWith(`${want}.`) || at.startsWith(`${want}[`)));
  });
}

/** Problems found in the browser before anything is sent (a stock of "ten"), shaped like a refusal. */
export function formError(problems: FieldProblem[], message = 'Check the fields marked below: nothing was saved.'): ApiError {
  return new ApiError(0, 'invalid_form', message, problems);
}
