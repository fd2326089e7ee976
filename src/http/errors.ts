import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { httpStatusFor, OgelError } from '../errors.js';
import { maskUrl } from '../db/url.js';

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Every error body has the same three keys; details are masked like the message. */
export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return {
    error: {
      code,
      message: maskUrl(message),
      details: JSON.parse(maskUrl(JSON.stringify(details))) as Record<string, unknown>,
    },
  };
}

/**
 * The one place errors become responses: OgelErrors keep their code, status and safe details; anything else is
 * a 500 whose body says nothing about internals (the log has the details).
 */
export function respondError(c: Context, error: unknown): Response {
  if (error instanceof OgelError) {
    return c.json(errorBody(error.code, error.message, error.details), httpStatusFor(error) as ContentfulStatusCode);
  }
  return c.json(errorBody('INTERNAL', 'internal error'), 500);
}
