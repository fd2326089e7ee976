import { describe, expect, it } from 'vitest';
import { openFleet } from '../../src/fleet/fleet.js';
import { fleetMigrate, fleetStatus } from '../../src/fleet/operations.js';
import { ScriptCache } from '../../src/runner/script-cache.js';
import { ensureParser } from '../../src/sql/parser.js';
import { FileMigrationSource, type MigrationSource } from '../../src/source/file-source.js';
import { writeMigrations } from '../harness/migrations.js';
import { appliedIn, projectWithTargets, tenantDatabases } from './fixture.js';

describe('a fleet run reads its files once', () => {
  it('loads the migration set once for all its targets, and parses each distinct script once', async () => {
    const tenants = await tenantDatabases(5, 'once');
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '002_b.sql': 'CREATE TABLE b (id int);',
    });
    let loads = 0;
    const files = new FileMigrationSource(dir);
    const counting: MigrationSource = { load: () => (loads++, files.load()) };
    const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
    const fleet = openFleet(
      { config: {}, file: null, baseDir: root },
      undefined,
      { targetsFile: targets },
      { env: {}, cwd: root, clientName: 'library' },
    );
    fleet.runnerOptions.source = counting;
    const report = await fleetMigrate(fleet, { concurrency: 3 });
    expect(report.counts.applied).toBe(5);
    expect(loads).toBe(1);
    for (const t of tenants) expect(await appliedIn(t.url)).toEqual(['001', '002']);
    await fleetStatus(fleet);
    expect(loads).toBe(2);
  });

  it('the shared parse cache gives every runner the same prepared script, and the same failure', async () => {
    await ensureParser();
    const cache = new ScriptCache();
    const a = cache.prepare('001_a.sql', 'CREATE TABLE a (id int);', 150000);
    expect(cache.prepare('001_a.sql', 'CREATE TABLE a (id int);', 150000)).toBe(a);
    expect(cache.prepare('001_a.sql', 'CREATE TABLE a (id int);', 110000)).not.toBe(a);
    const broken = () => cache.prepare('002_b.sql', 'CREATE TABLE (;', 150000);
    expect(broken).toThrow(/002_b.sql:1:/);
    let first: unknown;
    try {
      broken();
    } catch (error) {
      first = error;
    }
    try {
      broken();
    } catch (error) {
      expect(error).toBe(first);
    }
  });
});
