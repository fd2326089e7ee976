import type { Hono } from 'hono';
import { authorize, type Principal } from '../../app/access.js';
import { ROUTES } from '../../contract/routes.js';
import { statusJson } from '../../core/status-json.js';
import { OgelError } from '../../errors.js';
import type { FleetMonitor } from '../../fleet/monitor.js';
import { fleetMigrate, fleetRollback } from '../../fleet/operations.js';
import type { FleetReport, FleetTargetResult } from '../../fleet/report.js';
import { FleetRun } from '../../fleet/run.js';
import { fleetVerify } from '../../fleet/verify.js';
import type { AuthVariables } from '../auth.js';
import { implement } from '../implement.js';
import { trackRun, type ServerState } from '../state.js';

/**
 * Fleets over HTTP, under the same application rules as the CLI (src/fleet/operations.ts): a token's scope
 * names a fleet as it names an environment; the read role sees status and plans, the admin role runs. Reads
 * come from the fleet's monitor (the last status, refreshed in the background), never a fan-out per request,
 * except `fresh=true`, GET /fleet/plan and one target's drill-down; right after a run they wait for the status
 * the run's end started.
 */
export function fleetRoutes(app: Hono<{ Variables: AuthVariables }>, state: ServerState): void {
  implement(app, state, ROUTES.fleets, async ({ principal }) => {
    const monitors = [...state.fleets.values()].filter((monitor) => allowed(principal!, monitor.fleet.name, 'read'));
    await Promise.all(monitors.map((monitor) => monitor.settled()));
    return { fleets: monitors.map((monitor) => summary(monitor, principal!)) };
  });

  implement(app, state, ROUTES.fleet, async ({ query, principal }) => {
    const monitor = fleetFor(state, query.fleet, principal!, 'read');
    await (query.fresh === 'true' ? monitor.fresh() : monitor.settled());
    const targets = monitor.status?.targets ?? [];
    const behind = (t: FleetTargetResult) => t.versions.length;
    const failing = targets.filter((t) => t.state === 'failed' || t.state === 'unreachable');
    // A migration that failed in the last run rolled back: the status shows that target merely behind. Until a
    // status shows it up to date, it is listed as failing, with the run's error.
    const stillBehind = new Set(targets.filter((t) => t.state === 'behind').map((t) => t.name));
    const failedInRun = (monitor.lastRun?.targets ?? []).filter(
      (t) => t.state === 'failed' && stillBehind.has(t.name) && !failing.some((f) => f.name === t.name),
    );
    const failedNames = new Set(failedInRun.map((t) => t.name));
    return {
      ...summary(monitor, principal!),
      status: monitor.status,
      failing: [...failing, ...failedInRun],
      lagging: targets
        .filter((t) => t.state === 'behind' && !failedNames.has(t.name))
        .sort((a, b) => behind(b) - behind(a)),
    };
  });

  implement(app, state, ROUTES.fleetTarget, async ({ query, principal, c }) => {
    const { fleet } = fleetFor(state, query.fleet, principal!, 'read');
    const name = c.req.param('target');
    const member = (await fleet.members()).find((m) => m.name === name);
    if (!member) throw new OgelError('NOT_FOUND', `Fleet ${fleet.name} has no target "${name}"`, { target: name });
    const run = new FleetRun(fleet, [member], 1);
    try {
      const runner = run.runner(member);
      const [report, events] = await Promise.all([runner.status(), runner.history({ limit: 20 })]);
      return { fleet: fleet.name, target: member.name, status: statusJson(report), events };
    } finally {
      await run.close();
    }
  });

  implement(app, state, ROUTES.fleetPlan, async ({ query, principal }) => {
    const { fleet } = fleetFor(state, query.fleet, principal!, 'read');
    const selection = {
      ...(query.only ? { only: query.only.split(',') } : {}),
      ...(query.except ? { except: query.except.split(',') } : {}),
    };
    if ((query.operation ?? 'migrate') === 'rollback') {
      return fleetRollback(
        fleet,
        {
          ...selection,
          dryRun: true,
          ...(query.steps ? { steps: query.steps } : {}),
          ...(query.to ? { to: query.to } : {}),
        },
        principal!,
      );
    }
    if (query.to === '0') throw new OgelError('USAGE', 'to=0 is for operation=rollback', { param: 'to' });
    return fleetMigrate(fleet, { ...selection, dryRun: true, ...(query.to ? { to: query.to } : {}) }, principal!);
  });

  implement(app, state, ROUTES.fleetMigrate, async ({ query, body, principal }) => {
    refuseWhileStopping(state);
    const monitor = fleetFor(state, query.fleet, principal!, 'write');
    const { force, backup, ...rest } = body;
    const request = {
      ...rest,
      ...(force ? { forceReason: force.reason } : {}),
      ...(backup === false ? { skipBackup: true } : {}),
      // Shutdown: no target starts, running ones finish their running migration (as for an environment).
      stopSignal: state.shutdownSignal,
    };
    if (request.dryRun) return fleetMigrate(monitor.fleet, request, principal!);
    return run(state, monitor, 'migrate', (onProgress) =>
      fleetMigrate(monitor.fleet, request, principal!, { onProgress }),
    );
  });

  implement(app, state, ROUTES.fleetRollback, async ({ query, body, principal }) => {
    refuseWhileStopping(state);
    const monitor = fleetFor(state, query.fleet, principal!, 'write');
    const { backup, ...rest } = body;
    const request = {
      ...rest,
      ...(backup === false ? { skipBackup: true } : {}),
      stopSignal: state.shutdownSignal,
    };
    if (request.dryRun) return fleetRollback(monitor.fleet, request, principal!);
    return run(state, monitor, 'rollback', (onProgress) =>
      fleetRollback(monitor.fleet, request, principal!, { onProgress }),
    );
  });

  implement(app, state, ROUTES.fleetVerify, async ({ query, principal }) => {
    const monitor = fleetFor(state, query.fleet, principal!, 'write');
    return trackRun(state, fleetVerify(monitor.fleet, { signal: state.shutdownSignal }, principal!));
  });
}

/** The monitor of `?fleet=` (or the only fleet), once the caller may read or change it. */
function fleetFor(
  state: ServerState,
  name: string | undefined,
  principal: Principal,
  access: 'read' | 'write',
): FleetMonitor {
  const visible = [...state.fleets.keys()].filter((n) => allowed(principal, n, 'read'));
  const chosen = name ?? (state.fleets.size === 1 ? [...state.fleets.keys()][0]! : undefined);
  const monitor = chosen === undefined ? undefined : state.fleets.get(chosen);
  if (!monitor) {
    throw new OgelError(
      'NOT_FOUND',
      chosen === undefined
        ? `Pass ?fleet= (known: ${visible.join(', ') || 'none'})`
        : `Unknown fleet "${chosen}" (known: ${visible.join(', ') || 'none'})`,
      { fleet: chosen ?? null, known: visible },
    );
  }
  authorize(principal, monitor.fleet.name, access);
  return monitor;
}

function allowed(principal: Principal, name: string, access: 'read' | 'write'): boolean {
  try {
    authorize(principal, name, access);
    return true;
  } catch {
    return false;
  }
}

function summary(monitor: FleetMonitor, principal: Principal) {
  const { fleet, status, lastRun } = monitor;
  return {
    name: fleet.name,
    kind: fleet.kind,
    protected: fleet.protected,
    after: fleet.upstream,
    writable: allowed(principal, fleet.name, 'write'),
    concurrency: fleet.concurrency,
    canary: fleet.canary,
    counts: status?.counts ?? null,
    targets: status?.targets.length ?? null,
    refreshedAt: monitor.refreshedAt,
    refreshMs: fleet.statusRefreshMs,
    error: monitor.error,
    run: monitor.run ? { ...monitor.run, counts: { ...monitor.run.counts } } : null,
    lastRun: lastRun ? withoutTargets(lastRun) : null,
  };
}

/** A report's counts and outcome without its per-target lines (a summary stays small for 1,000 tenants). */
function withoutTargets(report: FleetReport): Omit<FleetReport, 'targets' | 'findings'> {
  const { targets: _targets, findings: _findings, ...rest } = report;
  return rest;
}

function refuseWhileStopping(state: ServerState): void {
  if (state.shuttingDown) throw new OgelError('DB_CONNECTION', 'The server is shutting down; retry on another replica');
}

function run(
  state: ServerState,
  monitor: FleetMonitor,
  operation: 'migrate' | 'rollback',
  start: Parameters<FleetMonitor['track']>[1],
): Promise<FleetReport> {
  const report = trackRun(state, monitor.track(operation, start));
  // Runs that happened, by outcome; a refusal (confirmation, promotion) changed nothing and is no run.
  void report.then(
    (r) => state.metrics.fleets.run(monitor.fleet.name, operation, r.ok),
    () => {},
  );
  return report;
}
