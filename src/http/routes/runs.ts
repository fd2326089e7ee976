import type { Hono } from 'hono';
import { baselineTarget, migrateTarget, repairTarget, rollbackTarget } from '../../app/operations.js';
import { planRestore } from '../../app/restore.js';
import { ROUTES } from '../../contract/routes.js';
import { OgelError } from '../../errors.js';
import type { AuthVariables } from '../auth.js';
import { implement } from '../implement.js';
import { trackRun, type ServerState } from '../state.js';
import { targetFor } from '../targets.js';

/**
 * GET /plan and the changing runs, each a call to the application layer's guarded operation with the caller
 * as principal: every rule (promotion, protection, backups, token scopes) is decided there, as for the CLI.
 * Without `?wait=true` a run that finds the lock taken fails at once with 409 (who holds it, since when).
 * The server's shutdown ends a migrate or rollback between migrations: the running one finishes, the caller
 * gets 503 INTERRUPTED saying how many completed.
 */
export function runRoutes(app: Hono<{ Variables: AuthVariables }>, state: ServerState): void {
  const refuseWhileStopping = () => {
    if (state.shuttingDown)
      throw new OgelError('DB_CONNECTION', 'The server is shutting down; retry on another replica');
  };
  const lockWait = (wait: 'true' | 'false' | undefined) => (wait === 'true' ? {} : { lockWaitMs: 0 });

  implement(app, state, ROUTES.plan, async ({ query, principal }) => {
    const target = targetFor(state, query.env, principal, 'read');
    const flag = (value: 'true' | 'false' | undefined) => value === 'true';
    switch (query.operation ?? 'migrate') {
      case 'migrate':
        return migrateTarget(
          target,
          {
            dryRun: true,
            ...(query.to ? { to: query.to } : {}),
            outOfOrder: flag(query.outOfOrder),
            ignoreMissing: flag(query.ignoreMissing),
          },
          principal!,
        );
      case 'rollback':
        return rollbackTarget(
          target,
          { dryRun: true, ...(query.to ? { to: query.to } : {}), ...(query.steps ? { steps: query.steps } : {}) },
          principal!,
        );
      case 'repair':
        return repairTarget(target, { dryRun: true }, principal!);
      case 'baseline':
        if (!query.to) throw new OgelError('USAGE', 'operation=baseline needs to=<version>', { param: 'to' });
        return baselineTarget(target, { dryRun: true, to: query.to }, principal!);
      case 'restore':
        if (!query.backup) throw new OgelError('USAGE', 'operation=restore needs backup=<id>', { param: 'backup' });
        return planRestore(target, { backupId: query.backup }, principal!);
    }
  });

  implement(app, state, ROUTES.migrate, async ({ query, body, principal }) => {
    refuseWhileStopping();
    const target = targetFor(state, query.env, principal, 'write');
    const { force, backup, ...rest } = body;
    const request = {
      ...rest,
      ...(force ? { forceReason: force.reason } : {}),
      ...(backup === false ? { skipBackup: true } : {}),
      ...lockWait(query.wait),
      stopSignal: state.shutdownSignal,
    };
    return trackRun(state, migrateTarget(target, request, principal!));
  });

  implement(app, state, ROUTES.rollback, async ({ query, body, principal }) => {
    refuseWhileStopping();
    const target = targetFor(state, query.env, principal, 'write');
    const { backup, ...rest } = body;
    return trackRun(
      state,
      rollbackTarget(
        target,
        {
          ...rest,
          ...(backup === false ? { skipBackup: true } : {}),
          ...lockWait(query.wait),
          stopSignal: state.shutdownSignal,
        },
        principal!,
      ),
    );
  });

  implement(app, state, ROUTES.repair, async ({ query, body, principal }) => {
    refuseWhileStopping();
    const target = targetFor(state, query.env, principal, 'write');
    return trackRun(state, repairTarget(target, { ...body, ...lockWait(query.wait) }, principal!));
  });

  implement(app, state, ROUTES.baseline, async ({ query, body, principal }) => {
    refuseWhileStopping();
    const target = targetFor(state, query.env, principal, 'write');
    return trackRun(state, baselineTarget(target, { ...body, ...lockWait(query.wait) }, principal!));
  });
}
