import { describe, expect, it } from 'vitest';
import { query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { appliedIn, fleetCli, projectWithTargets, tenantDatabases } from './fixture.js';

const FILES = {
  '001_projects.sql': 'CREATE TABLE projects (id bigint PRIMARY KEY, name text NOT NULL);',
  '001_projects.down.sql': 'DROP TABLE projects;',
  '002_members.sql': 'CREATE TABLE members (project_id bigint REFERENCES projects, role text);',
  '002_members.down.sql': 'DROP TABLE members;',
  '003_index.sql': 'CREATE INDEX members_role ON members (role);',
  '003_index.down.sql': 'DROP INDEX members_role;',
};

/** The CLI with no config at all: `fleet migrate --targets tenants.txt --dir migrations --concurrency 8`. */
describe('fleet migrate over 50 tenant databases', () => {
  it('migrates the others past a broken tenant, reports it with its error, and a re-run after the fix finishes it', async () => {
    const tenants = await tenantDatabases(50);
    const broken = tenants[17]!;
    // A hand-made table in one tenant: its 002 fails there, as a tenant someone changed by hand would.
    await query(broken.url, 'CREATE TABLE members (id int)');
    const dir = await writeMigrations(FILES);
    const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
    const migrate = ['migrate', '--targets', targets, '--dir', dir, '--concurrency', '8'];

    const first = await fleetCli(migrate, { cwd: root });
    expect(first.code).toBe(1);
    expect(first.body.counts).toMatchObject({ applied: 49, failed: 1, 'not-reached': 0, unreachable: 0 });
    const failed = first.body.targets.filter((t: any) => t.state === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        name: broken.name,
        versions: [],
        error: { code: 'MIGRATION_FAILED', message: expect.stringContaining('relation "members" already exists') },
      }),
    ]);
    expect(first.body.ok).toBe(false);
    // 001 ran in the broken one (each migration is its own transaction); 002 failed and nothing after it ran.
    expect(await appliedIn(broken.url)).toEqual(['001']);
    for (const t of [tenants[0]!, tenants[49]!]) expect(await appliedIn(t.url)).toEqual(['001', '002', '003']);
    // No password in anything printed.
    expect(JSON.stringify(first.body)).not.toContain(':postgres@');

    await query(broken.url, 'DROP TABLE members');
    const again = await fleetCli(migrate, { cwd: root });
    expect(again.code).toBe(0);
    expect(again.body.counts).toMatchObject({ applied: 1, 'up-to-date': 49, failed: 0 });
    expect(again.body.targets.find((t: any) => t.state === 'applied')).toMatchObject({
      name: broken.name,
      versions: ['002', '003'],
      current: '003',
    });
    expect(await appliedIn(broken.url)).toEqual(['001', '002', '003']);

    const status = await fleetCli(['status', '--targets', targets, '--dir', dir, '--concurrency', '8'], { cwd: root });
    expect(status.code).toBe(0);
    expect(status.body.counts['up-to-date']).toBe(50);
  });
});
