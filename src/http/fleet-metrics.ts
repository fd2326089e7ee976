import { Counter, Gauge, type Registry } from 'prom-client';
import type { FleetMonitor } from '../fleet/monitor.js';

/** The states a fleet's status reports (a run's own states, applied or not reached, are not a standing state). */
const STATUS_STATES = ['up-to-date', 'behind', 'failed', 'unreachable'] as const;

export interface FleetMetrics {
  /** Where the gauges read from: the monitors of the served fleets. */
  watch(monitors: ReadonlyMap<string, FleetMonitor>): void;
  /** A fleet run finished (ok: nothing failed, unreachable or left unreached). */
  run(fleet: string, operation: 'migrate' | 'rollback', ok: boolean): void;
}

/**
 * Fleet gauges by state, with no per-tenant labels (a thousand tenants would be a thousand series). A scrape
 * reads each fleet's last status from its monitor, refreshed in the background: it never connects to a tenant.
 */
export function registerFleetMetrics(registry: Registry): FleetMetrics {
  let monitors: ReadonlyMap<string, FleetMonitor> = new Map();
  new Gauge({
    name: 'ogel_migrate_fleet_targets',
    help: 'Targets of each fleet by state at its last status (refreshed in the background, not on scrape)',
    labelNames: ['fleet', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const monitor of monitors.values()) {
        const counts = monitor.status?.counts;
        if (!counts) continue;
        for (const state of STATUS_STATES) this.set({ fleet: monitor.fleet.name, state }, counts[state]);
      }
    },
  });
  new Gauge({
    name: 'ogel_migrate_fleet_status_age_seconds',
    help: "Seconds since each fleet's last status finished (alert when it stops refreshing)",
    labelNames: ['fleet'],
    registers: [registry],
    collect() {
      this.reset();
      for (const monitor of monitors.values()) {
        if (monitor.refreshedAt === null) continue;
        this.set({ fleet: monitor.fleet.name }, (Date.now() - Date.parse(monitor.refreshedAt)) / 1000);
      }
    },
  });
  const runs = new Counter({
    name: 'ogel_migrate_fleet_runs_total',
    help: 'Fleet runs by operation and outcome (success: every target done; failure: any failed or not reached)',
    labelNames: ['fleet', 'operation', 'outcome'],
    registers: [registry],
  });
  return {
    watch(next) {
      monitors = next;
    },
    run(fleet, operation, ok) {
      runs.inc({ fleet, operation, outcome: ok ? 'success' : 'failure' });
    },
  };
}
