import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MigrationRunner } from '../runner/runner.js';
import type { Target } from '../app/target.js';
import { registerFleetMetrics, type FleetMetrics } from './fleet-metrics.js';

/** Prometheus metrics fed by the runners' event streams; a private registry, not prom-client's global one. */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  observe(env: string, runner: MigrationRunner): void;
  refreshPending(targets: ReadonlyMap<string, Target>): Promise<void>;
  fleets: FleetMetrics;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const runs = new Counter({
    name: 'ogel_migrate_runs_total',
    help: 'Runs by operation and outcome',
    labelNames: ['env', 'operation', 'outcome'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'ogel_migrate_migration_failures_total',
    help: 'Migrations that failed',
    labelNames: ['env', 'direction'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'ogel_migrate_migration_duration_seconds',
    help: 'Duration of each applied or reverted migration',
    labelNames: ['env', 'direction'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  const lockWaits = new Counter({
    name: 'ogel_migrate_lock_waits_total',
    help: 'Runs that had to wait for another run',
    labelNames: ['env'],
    registers: [registry],
  });
  const lockWaitSeconds = new Histogram({
    name: 'ogel_migrate_lock_wait_seconds',
    help: 'Time waited for the migration lock',
    labelNames: ['env'],
    buckets: [0.001, 0.01, 0.1, 1, 10, 60],
    registers: [registry],
  });
  const pending = new Gauge({
    name: 'ogel_migrate_pending_migrations',
    help: 'Pending migrations (refreshed on scrape)',
    labelNames: ['env'],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'ogel_migrate_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    fleets: registerFleetMetrics(registry),
    observe(env, runner) {
      // A run counts once it started (planned, under the lock): a request refused before (a version that does
      // not exist, the lock held elsewhere) is the caller's 4xx, and must not look like a failed deploy.
      const started = new Set<string>();
      runner.events.on('run:start', (e) => started.add(e.runId));
      runner.events.on('run:end', (e) => {
        if (!started.delete(e.runId)) return;
        runs.inc({ env, operation: e.operation, outcome: e.outcome });
      });
      runner.events.on('migration:failed', (e) => failures.inc({ env, direction: e.direction }));
      runner.events.on('migration:done', (e) =>
        durations.observe({ env, direction: e.direction }, e.durationMs / 1000),
      );
      runner.events.on('lock:waiting', () => lockWaits.inc({ env }));
      runner.events.on('lock:acquired', (e) => lockWaitSeconds.observe({ env }, e.waitedMs / 1000));
    },
    async refreshPending(targets) {
      await Promise.all(
        [...targets].map(async ([env, target]) => {
          try {
            pending.set({ env }, (await target.runner.status()).counts.pending);
          } catch {
            pending.remove({ env });
          }
        }),
      );
    },
  };
}
