import type { Hono } from 'hono';
import { restoreTarget } from '../../app/restore.js';
import { backupsOf } from '../../app/backups-of.js';
import { backupIdParam } from '../../contract/backups.js';
import { ROUTES } from '../../contract/routes.js';
import { OgelError } from '../../errors.js';
import type { AuthVariables } from '../auth.js';
import { implement } from '../implement.js';
import { trackRun, type ServerState } from '../state.js';
import { targetFor } from '../targets.js';

/** GET /backups, POST /backups, POST /backups/{id}/restore: the CLI's backup commands over HTTP. */
export function backupRoutes(app: Hono<{ Variables: AuthVariables }>, state: ServerState): void {
  implement(app, state, ROUTES.backups, async ({ query, principal }) => {
    const service = backupsOf(targetFor(state, query.env, principal, 'read'));
    return { store: service.store.location, ...(await service.catalog()) };
  });

  implement(app, state, ROUTES.createBackup, async ({ query, body, principal }) => {
    const target = targetFor(state, query.env, principal, 'write');
    // Shutdown stops a backup (INTERRUPTED, nothing kept) rather than waiting out its dump: it is not a migration.
    return trackRun(
      state,
      backupsOf(target).create({
        reason: `http: ${principal!.actor}`,
        actor: principal!.actor,
        signal: state.shutdownSignal,
      }),
    );
  });

  implement(app, state, ROUTES.restore, async ({ query, body, principal, c }) => {
    const id = backupIdParam.safeParse(c.req.param('id'));
    if (!id.success) throw new OgelError('USAGE', 'Invalid backup id', { param: 'id' });
    const target = targetFor(state, query.env, principal, 'write');
    return trackRun(state, restoreTarget(target, { backupId: id.data, ...body }, principal!));
  });
}
