import type { Hono } from 'hono';
import { z } from 'zod';
import type { Role } from '../auth.js';
import { envQuery } from '../schemas.js';
import { runnerFor } from '../runners.js';
import { trackRun, type ServerState } from '../state.js';
import { readBody, readQuery } from '../validate.js';

/**
 * Checks that need a scratch database: drift (read) and the rollback test (admin, since it creates databases).
 * The last rollback-test report per environment is kept so the dashboard can show it before a rollback.
 */
export function checkRoutes(app: Hono<{ Variables: { role: Role } }>, state: ServerState): void {
  app.get('/drift', async (c) => {
    const { runner } = runnerFor(state, readQuery(c, envQuery).env);
    return c.json(await runner.drift());
  });

  app.get('/verify', (c) => {
    const { env } = runnerFor(state, readQuery(c, envQuery).env);
    return c.json({ report: state.lastVerify.get(env) ?? null });
  });

  app.post('/verify', async (c) => {
    const { env, runner } = runnerFor(state, readQuery(c, envQuery).env);
    await readBody(c, z.strictObject({}));
    const report = await trackRun(state, runner.verify());
    state.lastVerify.set(env, report);
    return c.json({ report });
  });
}
