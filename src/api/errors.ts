// The API's fixed list of error codes, their statuses, and the one JSON error shape.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AiFailure } from '../ai/errors.ts';

export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 422,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** How an AI failure reaches an API caller: a stable code (with the plain message members see). */
export const AI_FAILURE_CODE: Record<AiFailure['kind'], ErrorCode> = {
  disabled: 'unavailable',
  timeout: 'unavailable',
  error: 'unavailable',
  invalid_output: 'unavailable',
  rate_limited: 'rate_limited',
  budget_exhausted: 'rate_limited',
};

export interface ErrorDetail {
  path: string;
  message: string;
  [key: string]: unknown;
}

/** A failure meant for the caller: stable code, readable message, optional field details. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(c: Context, code: ErrorCode, message: string, details?: unknown) {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      requestId: (c.get('requestId') as string | undefined) ?? 'unknown',
    },
  };
}
