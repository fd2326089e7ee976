import { describe, expect, it } from 'vitest';
import { writeMigrations } from '../harness/migrations.js';
import { appliedIn, fleetCli, projectWithTargets, tenantDatabases } from './fixture.js';

describe('fleet verify', () => {
  it("tests the fleet's files once per server, with a target's placeholder values, touching no target", async () => {
    const tenants = await tenantDatabases(3, 'vfy');
    const dir = await writeMigrations({
      '001_a.sql': "CREATE TABLE a (id int, tenant text DEFAULT '${target}');",
      '001_a.down.sql': 'DROP TABLE a;',
      '002_b.sql': 'CREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);',
      // Leaves the index behind: the schema after the down is not the one before the up.
      '002_b.down.sql': 'ALTER TABLE b RENAME TO b_old;',
    });
    const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
    const result = await fleetCli(['verify', '--targets', targets, '--dir', dir], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.body).toMatchObject({
      ok: false,
      servers: [{ targets: 3, example: tenants[0]!.name, error: null }],
    });
    expect(result.body.servers[0].report.results.map((r: any) => [r.version, r.outcome])).toEqual([
      ['001', 'ok'],
      ['002', 'down-does-not-restore'],
    ]);
    for (const t of tenants) expect(await appliedIn(t.url)).toEqual([]);
  });
});
