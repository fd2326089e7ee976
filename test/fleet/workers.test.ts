import { describe, expect, it } from 'vitest';
import { adminUrl, query, withClient } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { fleetCli, projectWithTargets, tenantDatabases } from './fixture.js';

/**
 * Backends of ogel-migrate processes, per process id (from the application_name every session carries), sampled
 * while `until` runs: the most each process held at once.
 */
async function mostConnectionsPerProcess(until: Promise<unknown>): Promise<Map<string, number>> {
  const most = new Map<string, number>();
  let finished = false;
  void until.finally(() => (finished = true));
  await withClient(adminUrl(), async (client) => {
    while (!finished) {
      const { rows } = await client.query<{ pid: string; n: number }>(
        `SELECT substring(application_name FROM 'ogel-migrate p=(\\d+)') AS pid, count(*)::int AS n
           FROM pg_stat_activity WHERE application_name LIKE 'ogel-migrate p=%' GROUP BY 1`,
      );
      for (const { pid, n } of rows) most.set(pid, Math.max(most.get(pid) ?? 0, n));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  return most;
}

describe('two workers over the same fleet', () => {
  it("split the work through each tenant's lock: every tenant migrated once, both did work, each within its connections", async () => {
    const tenants = await tenantDatabases(30, 'wrk');
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      // Long enough that the two processes overlap however the machine schedules their start.
      '002_slow.sql': 'SELECT pg_sleep(0.15);\nCREATE TABLE b (id int);',
      '003_c.sql': 'CREATE TABLE c (id int);',
    });
    const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
    const args = ['migrate', '--targets', targets, '--dir', dir, '--concurrency', '2'];
    const workers = Promise.all([fleetCli(args, { cwd: root }), fleetCli(args, { cwd: root })]);
    const most = await mostConnectionsPerProcess(workers);
    const [a, b] = await workers;
    expect([a.code, b.code]).toEqual([0, 0]);

    // Every tenant has each migration applied exactly once, by one of the two processes.
    const appliers = new Map<string, number>();
    for (const tenant of tenants) {
      const events = await query<{ version: string; pid: string }>(
        tenant.url,
        "SELECT version, details->>'pid' AS pid FROM platform.schema_migration_events WHERE event = 'apply' AND outcome = 'success' ORDER BY id",
      );
      expect(events.map((e) => e.version)).toEqual(['001', '002', '003']);
      expect(new Set(events.map((e) => e.pid)).size).toBe(1);
      appliers.set(events[0]!.pid, (appliers.get(events[0]!.pid) ?? 0) + 1);
    }
    // Both did work, and each reports applied only what it applied (the other's tenants are up to date to it).
    expect(appliers.size).toBe(2);
    expect(a.body.counts.applied + b.body.counts.applied).toBe(30);
    expect(a.body.counts.applied).toBeGreaterThan(0);
    expect(b.body.counts.applied).toBeGreaterThan(0);
    for (const r of [a, b]) expect(r.body.counts['up-to-date'] + r.body.counts.applied).toBe(30);
    // Never more than --concurrency connections per worker.
    expect(most.size).toBeGreaterThanOrEqual(2);
    for (const n of most.values()) expect(n).toBeLessThanOrEqual(2);
  });
});
