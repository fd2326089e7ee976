import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../app/access.js';
import type { ServerState } from './state.js';
import { errorBody } from './errors.js';

/** Compares digests, so neither the length nor a prefix of a token leaks through timing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The principal a bearer header stands for, or null. Every grant is compared, so timing says nothing. */
export function principalOf(state: ServerState, header: string | undefined): Principal | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  let found: Principal | null = null;
  for (const grant of state.tokens) if (tokensEqual(match[1]!, grant.secret) && !found) found = grant.principal;
  return found;
}

export type AuthVariables = { principal: Principal; requestId: string };

/**
 * Every endpoint but /health, /ready and the dashboard's static files needs a token; which environments and
 * what role it may use is decided by the application layer (src/app/access.ts), the same rule for every
 * surface. Here only a missing token (401) and a read token sent to a changing endpoint (403) are answered.
 */
export function requireAuth(
  state: ServerState,
  access: 'read' | 'write',
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const principal = principalOf(state, c.req.header('authorization'));
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="ogel-migrate"');
      const given = c.req.header('authorization') !== undefined;
      return c.json(
        errorBody('UNAUTHORIZED', given ? 'Invalid bearer token' : 'Missing bearer token', {
          header: 'Authorization',
          scheme: 'Bearer',
          problem: given ? 'unknown token' : 'no Authorization header',
        }),
        401,
      );
    }
    if (access === 'write' && principal.role !== 'admin') {
      return c.json(
        errorBody(
          'FORBIDDEN',
          `${principal.actor} has the read role: it can only read; use a token with the admin role to change things`,
          {
            role: principal.role,
          },
        ),
        403,
      );
    }
    c.set('principal', principal);
    await next();
  };
}
