import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ServerState } from './state.js';
import { errorBody } from './errors.js';

export type Role = 'admin' | 'read';

/** Compares digests, so neither the length nor a prefix of a token leaks through timing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function roleOf(state: ServerState, header: string | undefined): Role | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const token = match[1]!;
  if (tokensEqual(token, state.adminToken)) return 'admin';
  if (state.readToken && tokensEqual(token, state.readToken)) return 'read';
  return null;
}

/** Every endpoint but /health, /ready and the dashboard's static files needs a token; reads need at least `read`. */
export function requireAuth(state: ServerState): MiddlewareHandler<{ Variables: { role: Role } }> {
  return async (c, next) => {
    const role = roleOf(state, c.req.header('authorization'));
    if (!role) {
      c.header('WWW-Authenticate', 'Bearer realm="ogel-migrate"');
      return c.json(errorBody('UNAUTHORIZED', 'Missing or invalid bearer token'), 401);
    }
    if (role === 'read' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.json(errorBody('FORBIDDEN', 'The read token can only GET; use the admin token to change things'), 403);
    }
    c.set('role', role);
    await next();
  };
}
