import type { Hono } from 'hono';
import { ROUTES } from '../../contract/routes.js';
import type { AuthVariables } from '../auth.js';
import { implement } from '../implement.js';
import { trackRun, type ServerState } from '../state.js';
import { targetFor } from '../targets.js';

/**
 * Checks that need a scratch database: drift (read) and the rollback test (admin, since it runs every
 * migration). Concurrent drift requests for one environment share one check, so a read token cannot make the
 * server create scratch databases faster than one per environment at a time.
 */
export function checkRoutes(app: Hono<{ Variables: AuthVariables }>, state: ServerState): void {
  implement(app, state, ROUTES.drift, async ({ query, principal }) => {
    const target = targetFor(state, query.env, principal, 'read');
    let running = state.driftInFlight.get(target.name);
    if (!running) {
      running = trackRun(state, target.runner.drift({ signal: state.shutdownSignal }));
      state.driftInFlight.set(target.name, running);
      void running
        .then((report) => state.lastDrift.set(target.name, report.drifted))
        .catch(() => {})
        .finally(() => state.driftInFlight.delete(target.name));
    }
    return running;
  });

  implement(app, state, ROUTES.lastVerify, ({ query, principal }) => {
    const target = targetFor(state, query.env, principal, 'read');
    return { report: state.lastVerify.get(target.name) ?? null };
  });

  implement(app, state, ROUTES.verify, async ({ query, principal }) => {
    const target = targetFor(state, query.env, principal, 'write');
    const report = await trackRun(state, target.runner.verify({ signal: state.shutdownSignal }));
    state.lastVerify.set(target.name, report);
    return { report };
  });
}
