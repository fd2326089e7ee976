import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Principal } from '../app/access.js';
import { OgelError } from '../errors.js';
import type { RouteSpec } from '../contract/routes.js';
import { requireAuth, type AuthVariables } from './auth.js';
import type { ServerState } from './state.js';
import { readBody, readQuery } from './validate.js';

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** What a route's handler gets: its validated query and body, the caller, and the raw context for the rest. */
export interface RouteInput<S extends RouteSpec> {
  query: Infer<S['query']>;
  body: Infer<S['body']>;
  principal: Principal | null;
  c: Context<{ Variables: AuthVariables }>;
}

/**
 * Registers one route of the contract: its token rule, its query and body validated by the contract's
 * schemas (a 400 naming the field), the handler's result sent as JSON. With `checkResponses` (the test suite
 * sets it) every success is also parsed with the route's response schema, so the contract cannot drift from
 * what the server really sends.
 */
export function implement<S extends RouteSpec>(
  app: Hono<{ Variables: AuthVariables }>,
  state: ServerState,
  spec: S,
  handler: (input: RouteInput<S>) => Promise<unknown> | unknown,
  options: { raw?: boolean } = {},
): void {
  const auth: MiddlewareHandler<{ Variables: AuthVariables }> =
    spec.access === 'public' ? (_c, next) => next() : requireAuth(state, spec.access);
  app.on(spec.method, spec.path, auth, async (c) => {
    const query = (spec.query ? readQuery(c, spec.query) : undefined) as Infer<S['query']>;
    const body = (spec.body ? await readBody(c, spec.body) : undefined) as Infer<S['body']>;
    const principal = spec.access === 'public' ? null : c.get('principal');
    const result = await handler({ query, body, principal, c });
    if (options.raw) return result as Response;
    if (spec.response && state.checkResponses) {
      const checked = spec.response.safeParse(result);
      if (!checked.success) {
        throw new OgelError(
          'INTERNAL',
          `Response of ${spec.method} ${spec.path} breaks the contract: ${checked.error.message}`,
        );
      }
    }
    return c.json(result as object);
  });
}
