import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { classifyFileName } from '../../src/core/file-names.js';
import type { AppliedRow, MigrationSet } from '../../src/core/migration.js';
import { planBaseline, planMigrate, planRollback } from '../../src/core/plan.js';
import { computeStatus } from '../../src/core/status.js';
import { statusJson } from '../../src/core/status-json.js';
import { assembleMigrations } from '../../src/core/validate-files.js';

function set(files: Record<string, string>): MigrationSet {
  const { migrations, repeatables, ignored, problems } = assembleMigrations(
    Object.entries(files).map(([file, content]) => ({ file, content })),
    [],
  );
  expect(problems).toEqual([]);
  return { dir: '/m', migrations, repeatables, ignored };
}

function row(version: string, content: string, extra: Partial<AppliedRow> = {}): AppliedRow {
  return {
    version,
    name: version.replace(/^R_|^\d+_?/, ''),
    checksum: checksumOf(content),
    downChecksum: null,
    kind: 'migration',
    status: 'applied',
    appliedAt: new Date(0).toISOString(),
    appliedBy: 'me',
    executionMs: 1,
    error: null,
    ...extra,
  };
}

const files = {
  '001_a.sql': 'A',
  '001_a.down.sql': 'a',
  '002_b.sql': 'B',
  'R_views.sql': 'V',
  'R_functions.sql': 'F',
};

describe('repeatable migrations', () => {
  it('are named R_<name>.sql, have no down file, and get a key no version can take', () => {
    expect(classifyFileName('R_views.sql')).toEqual({ type: 'repeatable', version: 'R_views', name: 'views' });
    expect(classifyFileName('R_views.down.sql')).toMatchObject({
      type: 'invalid',
      reason: expect.stringContaining('no down file'),
    });
    expect(classifyFileName('R__views.sql')).toMatchObject({ type: 'invalid', reason: expect.stringContaining('R_') });
    expect(classifyFileName('R_Views.sql')).toMatchObject({ type: 'invalid' });
    expect(classifyFileName('r_views.sql')).toMatchObject({ type: 'invalid' });
  });

  it('run after the versioned ones, in name order, and again only when their checksum changes', () => {
    const fresh = computeStatus('t', set(files), []);
    expect(planMigrate(fresh).map((m) => m.version)).toEqual(['001', '002', 'R_functions', 'R_views']);
    expect(planMigrate(fresh, { to: '001' }).map((m) => m.version)).toEqual(['001', 'R_functions', 'R_views']);
    const applied = [row('001', 'A'), row('002', 'B'), row('R_views', 'V'), row('R_functions', 'F')];
    expect(planMigrate(computeStatus('t', set(files), applied))).toEqual([]);
    const changed = computeStatus('t', set({ ...files, 'R_views.sql': 'V2' }), applied);
    const views = changed.migrations.find((m) => m.version === 'R_views')!;
    expect(views).toMatchObject({ state: 'pending', repeatable: true, appliedChecksum: checksumOf('V') });
    expect(changed.counts).toEqual({ applied: 3, pending: 1, modified: 0, missing: 0, failed: 0 });
    expect(planMigrate(changed).map((m) => m.version)).toEqual(['R_views']);
    // The current version is the highest versioned one; a repeatable row never counts as one.
    expect(changed.current).toBe('002');
    expect(changed.migrations.map((m) => m.version)).toEqual(['001', '002', 'R_functions', 'R_views']);
    expect(statusJson(changed)).toMatchObject({
      migrations: expect.arrayContaining([expect.objectContaining({ version: 'R_views', repeatable: true })]),
    });
  });

  it('a changed repeatable never blocks a run, an out-of-order check ignores them, a vanished one is missing', () => {
    const applied = [row('001', 'A'), row('R_views', 'old'), row('R_gone', 'G')];
    const report = computeStatus('t', set(files), applied);
    expect(report.migrations.find((m) => m.version === 'R_gone')).toMatchObject({ state: 'missing', repeatable: true });
    expect(report.migrations.at(-1)!.version).toBe('R_views');
    expect(planMigrate(report, { ignoreMissing: true }).map((m) => m.version)).toEqual([
      '002',
      'R_functions',
      'R_views',
    ]);
  });

  it('are never rolled back nor baselined by --to', () => {
    const applied = computeStatus('t', set(files), [row('001', 'A'), row('R_views', 'V')]);
    expect(planRollback(applied).map((m) => m.version)).toEqual(['001']);
    expect(planRollback(applied, { to: '0' }).map((m) => m.version)).toEqual(['001']);
    expect(planBaseline(computeStatus('t', set(files), []), '002').map((m) => m.version)).toEqual(['001', '002']);
  });
});
