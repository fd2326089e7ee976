import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { createTestDatabase, query } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/legacy-ogelbase/', import.meta.url));
const LEGACY = join(FIXTURE, 'migrations');

async function adopt(): Promise<{
  out: string;
  report: {
    entries: Array<{ file: string; disposition: Record<string, string> }>;
    problems: Array<{ file: string; code: string; severity: string; message: string; decideWith?: string }>;
  };
  code: number | null;
}> {
  const out = join(await mkdtemp(join(tmpdir(), 'ogel-adopted-')), 'migrations');
  const result = await runCliProcess(['adopt', LEGACY, '--out', out, '--json']);
  return { out, report: JSON.parse(result.stdout), code: result.code };
}

describe('adopt a messy legacy directory', () => {
  it('writes a clean directory and reports every file and every problem', async () => {
    const { out, report, code } = await adopt();
    expect(code).toBe(1); // a secret and an unparseable file need a human
    const became = Object.fromEntries(report.entries.map((e) => [e.file, e.disposition.target ?? e.disposition.kind]));
    expect(became).toMatchObject({
      '001_create_platform_schema.sql': '001_create_platform_schema.sql',
      '006_add_audit_log.sql': '006_add_audit_log.sql',
      '006_enable_rls.sql': '006.1_enable_rls.sql',
      '006_enable_rls_IMPROVED.sql': '006.2_enable_rls_improved.sql',
      '006_fix_policies.sql': '006.3_fix_policies.sql',
      '007_seed_production_plans.sql': '007.1_seed_production_plans.sql',
      '006_rollback.sql': '006.1_enable_rls.down.sql',
      'rollback-006.sql': '006_add_audit_log.down.sql',
      '008_rollback.sql': '008_add_search_indexes.down.sql',
      '005_add_project_limits.sql': '_aside/005_add_project_limits.sql',
      '009_drop_legacy_columns.sql': '_aside/009_drop_legacy_columns.sql',
      'test_rls.sql': '_aside/test_rls.sql',
      'scripts/run_migrations.sh': 'not-copied',
    });
    expect(report.entries).toHaveLength(19);
    const codes = (file: string) => report.problems.filter((p) => p.file.includes(file)).map((p) => p.code);
    expect(codes('006_rollback.sql')).toContain('incomplete-rollback');
    expect(report.problems.find((p) => p.code === 'incomplete-rollback')!.message).toContain(
      'policy platform.organizations.organizations_read',
    );
    expect(codes('005_add_project_limits.sql')).toEqual(['syntax-error']);
    expect(codes('run_migrations.sh')).toEqual(['secret']);
    expect(JSON.stringify(report)).not.toContain('s3cr3t');
    expect(codes('004_create_members.sql')).toEqual(['transaction-control']);
    expect(codes('006_enable_rls.sql')).toContain('not-idempotent');
    expect(codes('007_seed_production_plans.sql')).toContain('data-seed');
    expect(report.problems.filter((p) => p.code === 'duplicate-version')).toHaveLength(2);
    expect(report.problems.find((p) => p.code === 'held')?.decideWith).toBe('--include 009_drop_legacy_columns.sql');
    const files = (await readdir(out)).sort();
    expect(files).toContain('ADOPTION.md');
    expect(files.filter((f) => f.endsWith('.sql'))).toHaveLength(14);
    expect(await readFile(join(out, 'ADOPTION.md'), 'utf8')).toContain(
      '| `rollback-006.sql` | down of 006_add_audit_log.sql',
    );
  });

  it('the clean directory validates, migrates a fresh database in the original order, and verify finds the partial rollback', async () => {
    const { out } = await adopt();
    expect((await runCliProcess(['validate', '--offline', '--dir', out])).code).toBe(0);
    const db = await createTestDatabase();
    const runner = new MigrationRunner({ databaseUrl: db.url, dir: out });
    const result = await runner.migrate();
    expect(result.applied.map((a) => a.version)).toEqual([
      '001',
      '002',
      '003',
      '004',
      '006',
      '006.1',
      '006.2',
      '006.3',
      '007',
      '007.1',
      '008',
    ]);
    const report = await runner.verify();
    const outcome = Object.fromEntries(report.results.map((r) => [r.version, r.outcome]));
    expect(outcome).toMatchObject({
      '002': 'irreversible',
      '006': 'ok',
      '006.1': 'down-does-not-restore',
      '008': 'not-run',
    });
    const partial = report.results.find((r) => r.version === '006.1')!;
    expect(partial.differences).toContain(
      'policy platform.organizations.organizations_read still exists after the down',
    );
    // Its unguarded CREATE POLICY then fails on the leftover: the chain stops there, and says so.
    expect(partial.error).toContain('policy "organizations_read" for table "organizations" already exists');
  });

  it('baseline --introspect classifies a hand-applied database, records only what is fully applied, and drift sees the ad-hoc ALTER', async () => {
    const { out } = await adopt();
    const db = await createTestDatabase();
    await query(db.url, await readFile(join(FIXTURE, 'manual-state.sql'), 'utf8'));
    const dry = await runCliProcess(['baseline', '--introspect', '--json', '--dir', out, '--database-url', db.url]);
    expect(dry.code).toBe(1); // partial and unknown ones need a human
    const classes = Object.fromEntries(
      JSON.parse(dry.stdout).results.map((r: { version: string; state: string }) => [r.version, r.state]),
    );
    expect(classes).toEqual({
      '001': 'applied',
      '002': 'applied',
      '003': 'applied',
      '004': 'applied',
      '006': 'not-applied',
      '006.1': 'applied',
      '006.2': 'not-applied',
      '006.3': 'not-applied',
      '007': 'not-applied',
      '007.1': 'unknown',
      '008': 'partial',
    });
    const partial = JSON.parse(dry.stdout).results.find((r: { version: string }) => r.version === '008');
    expect(partial.missing.sort()).toEqual([
      'index platform.projects_name_lower_idx',
      'index platform.projects_tags_gin_idx',
    ]);
    expect(partial.present.sort()).toEqual([
      'function platform.normalize_tag',
      'function platform.project_search_text',
    ]);
    expect(await query(db.url, "SELECT to_regclass('platform.schema_migrations') AS r")).toEqual([{ r: null }]);

    const applied = await runCliProcess([
      'baseline',
      '--introspect',
      '--apply-plan',
      '--json',
      '--dir',
      out,
      '--database-url',
      db.url,
    ]);
    expect(JSON.parse(applied.stdout).baselined).toEqual(['001', '002', '003', '004', '006.1']);
    const rows = await query<{ version: string; kind: string; applied_at: Date | null; checksum: string }>(
      db.url,
      'SELECT version, kind, applied_at, checksum FROM platform.schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => [r.version, r.kind, r.applied_at])).toEqual([
      ['001', 'baseline', null],
      ['002', 'baseline', null],
      ['003', 'baseline', null],
      ['004', 'baseline', null],
      ['006.1', 'baseline', null],
    ]);
    const status = JSON.parse(
      (await runCliProcess(['status', '--json', '--dir', out, '--database-url', db.url])).stdout,
    );
    expect(status.migrations.find((m: { version: string }) => m.version === '006.1').checksum).toBe(rows[4]!.checksum);

    const runner = new MigrationRunner({ databaseUrl: db.url, dir: out });
    await expect(runner.migrate()).rejects.toMatchObject({ code: 'OUT_OF_ORDER' });
    const rest = await runner.migrate({ outOfOrder: true });
    expect(rest.applied.map((a) => a.version)).toEqual(['006', '006.2', '006.3', '007', '007.1', '008']);
    const drift = await runner.drift();
    expect(drift.differences.map((d) => d.description)).toContain(
      'column platform.projects.notes exists in the database but no migration creates it',
    );
  });
});
