import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ROUTES, type RouteSpec } from '../contract/routes.js';
import { openApiDocument } from '../contract/openapi.js';
import type { AuthVariables } from './auth.js';
import { dashboardRoutes } from './dashboard-assets.js';
import { OgelError } from '../errors.js';
import { errorBody, respondError } from './errors.js';
import { implement } from './implement.js';
import { backupRoutes } from './routes/backups.js';
import { checkRoutes } from './routes/checks.js';
import { eventRoutes } from './routes/events.js';
import { fleetRoutes } from './routes/fleet.js';
import { readRoutes } from './routes/read.js';
import { runRoutes } from './routes/runs.js';
import type { ServerState } from './state.js';
import { targetFor } from './targets.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The HTTP service as a Hono app: a thin shell over the application layer. Routes come from the contract
 * (src/contract/routes.ts): it validates input with the contract's schemas, calls the app layer and renders
 * its typed results and errors; no migration rule lives here.
 */
export function createApp(state: ServerState): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    const route = c.req.routePath || 'unmatched';
    state.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    if (c.req.path !== '/health') {
      const actor = c.get('principal')?.actor;
      state.logger.info(
        {
          requestId,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round(performance.now() - started),
          ...(actor ? { actor } : {}),
        },
        'request',
      );
    }
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) =>
        c.json(errorBody('PAYLOAD_TOO_LARGE', `Body over ${BODY_LIMIT_BYTES} bytes`, { limit: BODY_LIMIT_BYTES }), 413),
    }),
  );

  implement(app, state, ROUTES.health, ({ c }) => {
    c.status(state.shuttingDown ? 503 : 200);
    return { ok: true, shuttingDown: state.shuttingDown };
  });
  implement(app, state, ROUTES.ready, async ({ query }) => {
    // A server of fleets only has no database of its own: one tenant down is a state of its fleet (GET /fleet),
    // not a reason to take the server out of rotation.
    if (state.targets.size === 0 && query.env === undefined) return { ok: true, env: null };
    const target = targetFor(state, query.env, null, 'read');
    try {
      await target.runner.withSession((session) => session.client.query('SELECT 1'));
    } catch {
      // Unauthenticated: say that the database does not answer, never what it answered (a role name, a host).
      throw new OgelError('DB_CONNECTION', `The database of ${target.name} does not answer`, { env: target.name });
    }
    return { ok: true, env: target.name };
  });
  dashboardRoutes(app);

  implement(app, state, ROUTES.openapi, () => openApiDocument());
  implement(
    app,
    state,
    ROUTES.metrics,
    async ({ c }) => {
      await state.metrics.refreshPending(state.targets);
      return c.text(await state.metrics.registry.metrics(), 200, {
        'Content-Type': state.metrics.registry.contentType,
      });
    },
    { raw: true },
  );
  readRoutes(app, state);
  runRoutes(app, state);
  eventRoutes(app, state);
  backupRoutes(app, state);
  checkRoutes(app, state);
  fleetRoutes(app, state);

  for (const [path, allowed] of methodsByPath()) {
    const others = ['PUT', 'PATCH', 'DELETE', 'POST', 'GET', 'HEAD', 'OPTIONS'].filter(
      (m) => !allowed.includes(m) && !(m === 'HEAD' && allowed.includes('GET')),
    );
    app.on(others, path, (c) => {
      c.header('Allow', allowed.join(', '));
      return c.json(
        errorBody('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${path}; use ${allowed.join(', ')}`, {
          allowed,
        }),
        405,
      );
    });
  }

  app.notFound((c) =>
    c.json(
      errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`, { method: c.req.method, path: c.req.path }),
      404,
    ),
  );
  app.onError((error, c) => {
    const response = respondError(c, error);
    if (response.status >= 500) {
      state.logger.error(
        {
          requestId: c.get('requestId'),
          err: { message: (error as Error).message, code: (error as { code?: string }).code },
        },
        'request failed',
      );
    }
    return response;
  });
  return app;
}

/** The methods each path answers, from the contract: anything else on it is a 405 with an Allow header. */
function methodsByPath(): Map<string, string[]> {
  const methods = new Map<string, string[]>();
  for (const spec of Object.values(ROUTES) as RouteSpec[])
    methods.set(spec.path, [...(methods.get(spec.path) ?? []), spec.method]);
  return methods;
}
