import { describe, expect, it } from 'vitest';
import { BUN, startCliProcess } from '../harness/cli.js';
import { likeExactly, query, whenRunning } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { appliedIn, projectWithTargets, tenantDatabases } from './fixture.js';

/**
 * Ctrl-C / SIGTERM of `fleet migrate` (it once exited at once, cancelling nothing, printing nothing, and the
 * running migrations committed after the process was gone): the running statement is cancelled on the server
 * so its migration rolls back with its tracking row, no other target starts, the report is printed, exit 143.
 */
describe('fleet migrate stopped by a signal', () => {
  it.each([
    ['node', process.execPath],
    ['bun', BUN],
  ])(
    'SIGTERM under %s: the running migration rolls back, the rest is not reached, the report says so',
    async (_name, runtime) => {
      const tenants = await tenantDatabases(3, 'fint');
      const dir = await writeMigrations({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(30);',
      });
      const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
      const cli = startCliProcess(
        ['fleet', 'migrate', '--targets', targets, '--dir', dir, '--concurrency', '1', '--json'],
        { cwd: root, runtime: [runtime] },
      );
      const first = tenants[0]!;
      await whenRunning({ databaseLike: likeExactly(first.name), queryLike: '%pg_sleep(30)%' }, 20_000);
      cli.child.kill('SIGTERM');
      expect(await cli.closed).toBe(143);
      const report = JSON.parse(cli.stdout());
      expect(report.stopped).toMatchObject({ reason: 'interrupted' });
      expect(report.stopped.message).toContain('interrupted (SIGTERM)');
      expect(report.targets[0]).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED' } });
      expect(report.targets.slice(1).map((t: { state: string }) => t.state)).toEqual(['not-reached', 'not-reached']);
      expect(report.ok).toBe(false);
      // Nothing of 002 was left to commit on the server after the process had gone.
      await new Promise((r) => setTimeout(r, 500));
      expect(
        await query(first.url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE '%pg_sleep(30)%'"),
      ).toEqual([{ n: 1 }]); // this query itself
      expect(await appliedIn(first.url)).toEqual(['001']);
      expect(await query(first.url, "SELECT to_regclass('slow') AS r")).toEqual([{ r: null }]);
      for (const t of tenants.slice(1)) expect(await appliedIn(t.url)).toEqual([]);
    },
  );
});
