import type { Hono } from 'hono';
import { OgelError } from '../../errors.js';
import type { Role } from '../auth.js';
import { migrateBody, rollbackBody, runQuery } from '../schemas.js';
import { runnerFor } from '../runners.js';
import { trackRun, type ServerState } from '../state.js';
import { readBody, readQuery } from '../validate.js';

/**
 * POST /migrate and /rollback. Without `?wait=true` a run that finds the lock taken fails at once with 409
 * (who holds it, since when); with it, the request waits up to the configured lock wait.
 */
export function runRoutes(app: Hono<{ Variables: { role: Role } }>, state: ServerState): void {
  const refuseWhileStopping = () => {
    if (state.shuttingDown)
      throw new OgelError('DB_CONNECTION', 'The server is shutting down; retry on another replica');
  };

  app.post('/migrate', async (c) => {
    const query = readQuery(c, runQuery);
    const body = await readBody(c, migrateBody);
    refuseWhileStopping();
    const { runner } = runnerFor(state, query.env);
    const run = runner.migrate({
      ...(body.to ? { to: body.to } : {}),
      dryRun: body.dryRun,
      ...(query.wait === 'true' ? {} : { lockWaitMs: 0 }),
    });
    return c.json(await trackRun(state, run));
  });

  app.post('/rollback', async (c) => {
    const query = readQuery(c, runQuery);
    const body = await readBody(c, rollbackBody);
    refuseWhileStopping();
    const { runner } = runnerFor(state, query.env);
    const run = runner.rollback({
      ...(body.steps !== undefined ? { steps: body.steps } : {}),
      ...(body.to !== undefined ? { to: body.to } : {}),
      dryRun: body.dryRun,
      ...(query.wait === 'true' ? {} : { lockWaitMs: 0 }),
    });
    return c.json(await trackRun(state, run));
  });
}
