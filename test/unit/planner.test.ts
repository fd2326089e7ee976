import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { classifyFileName } from '../../src/core/file-names.js';
import { readDirectives } from '../../src/core/directives.js';
import type { AppliedRow, MigrationSet } from '../../src/core/migration.js';
import { nextVersion, migrationSlug } from '../../src/core/new-migration.js';
import { planBaseline, planMigrate, planRollback } from '../../src/core/plan.js';
import { computeStatus } from '../../src/core/status.js';
import { assembleMigrations } from '../../src/core/validate-files.js';
import { compareVersions, normalizeVersion } from '../../src/core/version.js';
import { isOgelError } from '../../src/errors.js';

function set(files: Record<string, string>): MigrationSet {
  const { migrations, repeatables, ignored, problems } = assembleMigrations(
    Object.entries(files).map(([file, content]) => ({ file, content })),
    ['test_*.sql'],
  );
  expect(problems).toEqual([]);
  return { dir: '/m', migrations, repeatables, ignored };
}

function row(version: string, content: string, extra: Partial<AppliedRow> = {}): AppliedRow {
  return {
    version,
    name: 'x',
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

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOgelError(error) ? error.code : 'NOT_OGEL';
  }
  return undefined;
}

describe('versions', () => {
  it('compare numerically, group by group', () => {
    const sorted = ['010', '9', '001', '20251122153000', '006.1', '006', '007'].sort(compareVersions);
    expect(sorted).toEqual(['001', '006', '006.1', '007', '9', '010', '20251122153000']);
    expect(compareVersions('001', '1')).toBe(0);
    expect(normalizeVersion('0006.010')).toBe('6.10');
  });
});

describe('file names', () => {
  it('classifies up, down, ignored and invalid names', () => {
    expect(classifyFileName('001_create_users.sql')).toEqual({ type: 'up', version: '001', name: 'create_users' });
    expect(classifyFileName('001_create_users.down.sql')).toEqual({
      type: 'down',
      version: '001',
      name: 'create_users',
    });
    expect(classifyFileName('006.1_fix.sql')).toEqual({ type: 'up', version: '006.1', name: 'fix' });
    expect(classifyFileName('test_rls.sql')).toMatchObject({ type: 'ignored' });
    expect(classifyFileName('README.md')).toMatchObject({ type: 'ignored' });
    expect(classifyFileName('006_enable_rls_IMPROVED.sql')).toMatchObject({ type: 'invalid' });
    expect(classifyFileName('rollback-006.sql')).toMatchObject({
      type: 'invalid',
      reason: expect.stringContaining('version number'),
    });
    expect(classifyFileName('006.sql')).toMatchObject({ type: 'invalid' });
    expect(classifyFileName('test_rls.sql', [])).toMatchObject({ type: 'invalid' });
  });

  it('reports every problem at once: duplicates, orphan downs, mismatched down names', () => {
    const { problems } = assembleMigrations(
      ['006_a.sql', '006_b.sql', '6_c.sql', '007_x.down.sql', '008_y.sql', '008_z.down.sql', 'Bad.sql'].map((file) => ({
        file,
        content: '',
      })),
      [],
    );
    expect(problems.map((p) => p.file)).toEqual([
      '006_a.sql',
      '006_b.sql',
      '007_x.down.sql',
      '008_z.down.sql',
      '6_c.sql',
      'Bad.sql',
    ]);
  });

  it('checksums the exact bytes', () => {
    expect(checksumOf('a')).toBe('sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(checksumOf('a ')).not.toBe(checksumOf('a'));
  });
});

describe('directives', () => {
  it('reads no-transaction only from the leading comments', () => {
    expect(
      readDirectives('-- header\n-- ogel:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);').noTransaction,
    ).toBe(true);
    expect(readDirectives('\n\n--ogel:no-transaction\nSELECT 1;').noTransaction).toBe(true);
    expect(readDirectives('SELECT 1;\n-- ogel:no-transaction').noTransaction).toBe(false);
    expect(readDirectives('SELECT 1; -- ogel:lint-ignore drop-table because it is empty').lintIgnores).toEqual([
      { rule: 'drop-table', reason: 'because it is empty', line: 1 },
    ]);
  });
});

describe('status and planning', () => {
  const files = { '001_a.sql': 'A', '001_a.down.sql': 'a', '002_b.sql': 'B', '003_c.sql': 'C', '003_c.down.sql': 'c' };

  it('computes states and counts', () => {
    const report = computeStatus('platform.schema_migrations', set(files), [
      row('001', 'A'),
      row('002', 'B-changed'),
      row('005', 'gone'),
    ]);
    expect(report.migrations.map((m) => [m.version, m.state])).toEqual([
      ['001', 'applied'],
      ['002', 'modified'],
      ['003', 'pending'],
      ['005', 'missing'],
    ]);
    expect(report.counts).toEqual({ applied: 1, pending: 1, modified: 1, missing: 1, failed: 0 });
    expect(report.current).toBe('005');
    expect(report.migrations[1]!.appliedChecksum).toBe(checksumOf('B-changed'));
  });

  it('matches rows to files by numeric version', () => {
    const report = computeStatus('t', set({ '001_a.sql': 'A' }), [row('1', 'A')]);
    expect(report.migrations).toHaveLength(1);
    expect(report.migrations[0]!.state).toBe('applied');
  });

  it('failed and running rows are failed and block migrate', () => {
    const report = computeStatus('t', set(files), [row('001', 'A', { status: 'running' })]);
    expect(report.migrations[0]).toMatchObject({ state: 'failed', error: expect.stringContaining('interrupted') });
    expect(codeOf(() => planMigrate(report))).toBe('FAILED_MIGRATION_PRESENT');
  });

  it('plans pending migrations in order, honouring --to, and refuses modified/missing/out-of-order', () => {
    const fresh = computeStatus('t', set(files), []);
    expect(planMigrate(fresh).map((m) => m.version)).toEqual(['001', '002', '003']);
    expect(planMigrate(fresh, { to: '2' }).map((m) => m.version)).toEqual(['001', '002']);
    expect(codeOf(() => planMigrate(fresh, { to: '004' }))).toBe('UNKNOWN_VERSION');
    expect(codeOf(() => planMigrate(computeStatus('t', set(files), [row('001', 'X')])))).toBe('CHECKSUM_MISMATCH');
    expect(codeOf(() => planMigrate(computeStatus('t', set(files), [row('009', 'X')])))).toBe('MISSING_MIGRATION_FILE');
    expect(
      planMigrate(computeStatus('t', set(files), [row('001', 'A'), row('009', 'X')]), {
        ignoreMissing: true,
        outOfOrder: true,
      }).map((m) => m.version),
    ).toEqual(['002', '003']);
    const gap = computeStatus('t', set(files), [row('001', 'A'), row('003', 'C')]);
    expect(codeOf(() => planMigrate(gap))).toBe('OUT_OF_ORDER');
    expect(planMigrate(gap, { outOfOrder: true }).map((m) => m.version)).toEqual(['002']);
  });

  it('plans rollbacks newest first and refuses without down files', () => {
    const applied = computeStatus('t', set(files), [row('001', 'A'), row('003', 'C'), row('002', 'B')]);
    expect(codeOf(() => planRollback(applied, { steps: 2 }))).toBe('DOWN_MISSING');
    expect(planRollback(applied).map((m) => m.version)).toEqual(['003']);
    expect(codeOf(() => planRollback(applied, { to: '001' }))).toBe('DOWN_MISSING');
    expect(codeOf(() => planRollback(applied, { steps: 0 }))).toBe('USAGE');
    expect(codeOf(() => planRollback(applied, { steps: 1, to: '001' }))).toBe('USAGE');
    const two = computeStatus('t', set(files), [row('001', 'A'), row('003', 'C')]);
    expect(planRollback(two, { to: '0' }).map((m) => m.version)).toEqual(['003', '001']);
    expect(planRollback(two, { steps: 10 }).map((m) => m.version)).toEqual(['003', '001']);
  });

  it('plans baselines of pending migrations only', () => {
    const report = computeStatus('t', set(files), [row('001', 'A')]);
    expect(planBaseline(report, '003').map((m) => m.version)).toEqual(['002', '003']);
    expect(codeOf(() => planBaseline(report, 'x'))).toBe('UNKNOWN_VERSION');
  });
});

describe('new migration names', () => {
  it('continues the directory style', () => {
    const now = new Date('2026-11-24T10:11:12Z');
    expect(nextVersion([], now)).toBe('001');
    expect(nextVersion(['001', '009'], now)).toBe('010');
    expect(nextVersion(['0099'], now)).toBe('0100');
    expect(nextVersion(['20251122153000'], now)).toBe('20261124101112');
    expect(nextVersion(['20991122153000'], now)).toBe('20991122153001');
    expect(nextVersion(['001'], now, 'timestamp')).toBe('20261124101112');
    expect(migrationSlug('Add billing-plans')).toBe('add_billing_plans');
    expect(() => migrationSlug('drop; table')).toThrow();
  });
});
