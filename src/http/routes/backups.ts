import type { Hono } from 'hono';
import { z } from 'zod';
import { OgelError } from '../../errors.js';
import type { Role } from '../auth.js';
import { envQuery } from '../schemas.js';
import { runnerFor } from '../runners.js';
import { trackRun, type ServerState } from '../state.js';
import { readBody, readQuery } from '../validate.js';

const createBody = z.strictObject({
  format: z.enum(['custom', 'directory']).optional(),
  jobs: z.number().int().min(1).max(32).optional(),
});
const restoreBody = z.strictObject({ confirm: z.literal(true), jobs: z.number().int().min(1).max(32).optional() });
const backupId = z.string().regex(/^[\w.-]{1,80}$/, 'a backup id as listed by GET /backups');

/** GET /backups, POST /backups, POST /backups/{id}/restore: the CLI's backup commands over HTTP. */
export function backupRoutes(app: Hono<{ Variables: { role: Role } }>, state: ServerState): void {
  const serviceFor = (env: string | undefined) => {
    const name = runnerFor(state, env).env;
    const service = state.backups.get(name);
    if (!service) throw new OgelError('NOT_FOUND', `Backups are not configured for ${name}`);
    return service;
  };

  app.get('/backups', async (c) => c.json({ backups: await serviceFor(readQuery(c, envQuery).env).list() }));

  app.post('/backups', async (c) => {
    const service = serviceFor(readQuery(c, envQuery).env);
    const body = await readBody(c, createBody);
    return c.json(await trackRun(state, service.create({ ...body, reason: 'http' })));
  });

  app.post('/backups/:id/restore', async (c) => {
    const id = backupId.safeParse(c.req.param('id'));
    if (!id.success) throw new OgelError('USAGE', 'Invalid backup id');
    const service = serviceFor(readQuery(c, envQuery).env);
    const body = await readBody(c, restoreBody);
    return c.json(
      await trackRun(
        state,
        service.restore(id.data, { confirmed: body.confirm, ...(body.jobs ? { jobs: body.jobs } : {}) }),
      ),
    );
  });
}
