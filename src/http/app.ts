import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requireAuth, type Role } from './auth.js';
import { dashboardRoutes } from './dashboard-assets.js';
import { errorBody, respondError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { eventRoutes } from './routes/events.js';
import { readRoutes } from './routes/read.js';
import { runRoutes } from './routes/runs.js';
import { backupRoutes } from './routes/backups.js';
import { checkRoutes } from './routes/checks.js';
import { runnerFor } from './runners.js';
import { envQuery } from './schemas.js';
import type { ServerState } from './state.js';
import { readQuery } from './validate.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** Paths and the methods they answer; anything else on them is a 405 with an Allow header. */
const METHODS: Record<string, string[]> = {
  '/health': ['GET'],
  '/ready': ['GET'],
  '/session': ['GET'],
  '/status': ['GET'],
  '/history': ['GET'],
  '/lock': ['GET'],
  '/events': ['GET'],
  '/metrics': ['GET'],
  '/openapi.json': ['GET'],
  '/migrate': ['POST'],
  '/rollback': ['POST'],
  '/migrations/:version': ['GET'],
  '/backups': ['GET', 'POST'],
  '/backups/:id/restore': ['POST'],
  '/drift': ['GET'],
  '/verify': ['GET', 'POST'],
};

/**
 * The HTTP service as a Hono app: a thin shell over MigrationRunner. It validates input, calls the runner
 * and renders its typed results and errors; no migration logic lives here.
 */
export function createApp(state: ServerState): Hono<{ Variables: { role: Role; requestId: string } }> {
  const app = new Hono<{ Variables: { role: Role; requestId: string } }>();

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
      state.logger.info(
        {
          requestId,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    }
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) => c.json(errorBody('PAYLOAD_TOO_LARGE', `Body over ${BODY_LIMIT_BYTES} bytes`), 413),
    }),
  );

  app.get('/health', (c) => c.json({ ok: true, shuttingDown: state.shuttingDown }, state.shuttingDown ? 503 : 200));
  app.get('/ready', async (c) => {
    const { env, runner } = runnerFor(state, readQuery(c, envQuery).env);
    await runner.withSession((session) => session.client.query('SELECT 1'));
    return c.json({ ok: true, env });
  });
  dashboardRoutes(app);

  const secured = new Hono<{ Variables: { role: Role } }>();
  secured.use('*', requireAuth(state));
  secured.get('/openapi.json', (c) => c.json(openApiDocument()));
  secured.get('/metrics', async (c) => {
    await state.metrics.refreshPending(state.runners);
    return c.text(await state.metrics.registry.metrics(), 200, { 'Content-Type': state.metrics.registry.contentType });
  });
  readRoutes(secured, state);
  runRoutes(secured, state);
  eventRoutes(secured, state);
  backupRoutes(secured, state);
  checkRoutes(secured, state);
  for (const [path, allowed] of Object.entries(METHODS)) {
    app.on(
      ['PUT', 'PATCH', 'DELETE', 'POST', 'GET', 'HEAD', 'OPTIONS'].filter(
        (m) => !allowed.includes(m) && !(m === 'HEAD' && allowed.includes('GET')),
      ),
      path,
      (c) => {
        c.header('Allow', allowed.join(', '));
        return c.json(
          errorBody('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${path}; use ${allowed.join(', ')}`),
          405,
        );
      },
    );
  }
  app.route('/', secured);

  app.notFound((c) => c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    const response = respondError(c, error);
    if (response.status >= 500)
      state.logger.error(
        {
          requestId: c.get('requestId'),
          err: { message: (error as Error).message, code: (error as { code?: string }).code },
        },
        'request failed',
      );
    return response;
  });
  return app;
}
