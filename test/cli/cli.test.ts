import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, query } from '../harness/db.js';
import { BUN, runCliProcess } from '../harness/cli.js';
import { writeMigrations } from '../harness/migrations.js';

const files = {
  '001_a.sql': 'CREATE TABLE a (id int);',
  '001_a.down.sql': 'DROP TABLE a;',
  '002_b.sql': 'CREATE TABLE b (id int);',
  '002_b.down.sql': 'DROP TABLE b;',
  'test_checks.sql': '\\set ON_ERROR_STOP on\nSELECT 1;',
  'notes.txt': 'not a migration',
};

describe('CLI', () => {
  it('status --json, migrate, status --check and exit codes', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const env = { DATABASE_URL: db.url };
    const before = await runCliProcess(['status', '--json', '--dir', dir], { env });
    expect(before.code).toBe(0);
    const status = JSON.parse(before.stdout);
    expect(Object.keys(status)).toEqual(['table', 'current', 'counts', 'migrations', 'ignored']);
    expect(status).toMatchObject({
      table: 'platform.schema_migrations',
      current: null,
      counts: { applied: 0, pending: 2, modified: 0, missing: 0, failed: 0 },
    });
    expect(Object.keys(status.migrations[0])).toEqual([
      'version',
      'name',
      'state',
      'checksum',
      'appliedAt',
      'appliedBy',
      'executionMs',
      'kind',
      'reversible',
    ]);
    expect(status.ignored).toEqual([
      { file: 'notes.txt', reason: 'not a .sql file' },
      { file: 'test_checks.sql', reason: 'matches ignore pattern test_*.sql' },
    ]);
    expect((await runCliProcess(['status', '--check', '--dir', dir], { env })).code).toBe(3);

    const migrate = await runCliProcess(['up', '--dir', dir], { env });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('Applied 2 migration(s); current version 002.');
    expect(migrate.stderr).toContain('[1/2] applying 001_a');

    const table = await runCliProcess(['status', '--dir', dir], { env });
    expect(table.stdout).toMatch(/VERSION\s+NAME\s+STATE\s+APPLIED AT/);
    expect(table.stdout).toMatch(/001\s+a\s+applied\s+\d{4}-/);
    expect(table.stdout).toContain('Ignored files: notes.txt (not a .sql file), test_checks.sql');
    expect((await runCliProcess(['status', '--check', '--dir', dir], { env })).code).toBe(0);

    const down = await runCliProcess(['down', '--steps', '2', '--json', '--dir', dir], { env });
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout).reverted.map((r: { version: string }) => r.version)).toEqual(['002', '001']);
  });

  it('a failing migration exits 1 with file, line and message; JSON errors carry the code', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_bad.sql': 'CREATE TABLE x (id int);\nSELECT nope FROM x;' });
    const text = await runCliProcess(['migrate', '--dir', dir, '--database-url', db.url]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('[MIGRATION_FAILED] 001_bad.sql:2:8: column "nope" does not exist');
    const json = await runCliProcess(['migrate', '--json', '--dir', dir, '--database-url', db.url]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      code: 'MIGRATION_FAILED',
      details: { file: '001_bad.sql', line: 2, column: 8 },
    });
    expect(await query(db.url, "SELECT to_regclass('x') AS r")).toEqual([{ r: null }]);
  });

  it('usage errors exit 2: bad flags, bad file names, bad URLs (password masked), missing URL', async () => {
    const dir = await writeMigrations({
      '001_a.sql': 'SELECT 1;',
      '1_dup.sql': 'SELECT 2;',
      'Bad-Name.sql': 'SELECT 3;',
      '003_orphan.down.sql': 'SELECT 4;',
    });
    const db = await createTestDatabase();
    const names = await runCliProcess(['migrate', '--dir', dir, '--database-url', db.url]);
    expect(names.code).toBe(2);
    for (const file of ['001_a.sql', '1_dup.sql', 'Bad-Name.sql', '003_orphan.down.sql'])
      expect(names.stderr).toContain(file);
    expect(names.stderr).toContain('version 001 is used by more than one file');
    expect(names.stderr).toContain('down file has no up migration');

    const ok = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const badUrl = await runCliProcess([
      'status',
      '--dir',
      ok,
      '--database-url',
      'postgresql://me:s3cret@host:notaport/db',
    ]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('postgresql://me:****@');
    expect(badUrl.stderr + badUrl.stdout).not.toContain('s3cret');
    const noUrl = await runCliProcess(['status', '--dir', ok]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('DATABASE_URL');
    expect((await runCliProcess(['status', '--frobnicate'])).code).toBe(2);
    expect((await runCliProcess(['rollback', '--steps', '0', '--dir', ok, '--database-url', db.url])).code).toBe(2);
    expect(
      (await runCliProcess(['migrate', '--lock-timeout', 'soon', '--dir', ok, '--database-url', db.url])).code,
    ).toBe(2);
  });

  it('a wrong password is a connection failure that never prints the password', async () => {
    const db = await createTestDatabase();
    const url = db.url.replace(':postgres@', ':wrong-pass-123@');
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const result = await runCliProcess(['status', '--json', '--dir', dir, '--database-url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('wrong-pass-123');
  });

  it('new creates the next numbered pair; validate and baseline work offline-first', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;', '009_b.sql': 'SELECT 1;' });
    const created = await runCliProcess(['new', 'Add billing plans', '--dir', dir, '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).version).toBe('010');
    expect((await readdir(dir)).sort()).toContain('010_add_billing_plans.down.sql');
    expect((await runCliProcess(['new', 'bad/name', '--dir', dir])).code).toBe(2);

    const valid = await runCliProcess(['validate', '--offline', '--dir', dir]);
    expect(valid.code).toBe(0);
    const broken = await writeMigrations({ '001_a.sql': 'BEGIN;\nSELECT 1;\nCOMMIT;', '002_b.sql': 'SELEC 1;' });
    const invalid = await runCliProcess(['validate', '--offline', '--json', '--dir', broken]);
    // Invalid files are input errors: exit 2, as the README's exit statuses say.
    expect(invalid.code).toBe(2);
    const problems = JSON.parse(invalid.stdout).problems.map((p: { code: string }) => p.code);
    expect(problems).toEqual(['TRANSACTION_CONTROL_IN_TRANSACTIONAL_MIGRATION', 'SQL_SYNTAX']);

    const db = await createTestDatabase();
    // A dry run in text mode is text, like migrate's and rollback's (it was the JSON object).
    const dry = await runCliProcess(['baseline', '--to', '001', '--dry-run', '--dir', dir, '--database-url', db.url]);
    expect(dry.stdout).toMatch(/^Would baseline 1 migration\(s\): 001\. Plan plan_\w+\.\n$/);
    const repair = await runCliProcess(['repair', '--dry-run', '--dir', dir, '--database-url', db.url]);
    expect(repair.stdout).toBe('Nothing to repair.\n');
    const baseline = await runCliProcess(['baseline', '--to', '001', '--dir', dir, '--database-url', db.url]);
    expect(baseline.stdout).toContain('Baselined 1 migration(s): 001');
    const history = await runCliProcess(['history', '--json', '--dir', dir, '--database-url', db.url]);
    // One object, as GET /history answers: the events and the next page's cursor.
    const page = JSON.parse(history.stdout);
    expect(page.nextBefore).toBeNull();
    expect(page.events[0]).toMatchObject({ event: 'baseline', version: '001', outcome: 'success' });
  });

  it('runs under Bun as well', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE bun_was_here (id int);' });
    const bun = await runCliProcess(['migrate', '--dir', dir, '--database-url', db.url], { runtime: [BUN] });
    expect(bun.stderr).not.toContain('error');
    expect(bun.code).toBe(0);
    // The harness clears $USER, as containers do: Bun must still name the OS user, not "unknown".
    const [row] = await query<{ applied_by: string }>(db.url, 'SELECT applied_by FROM platform.schema_migrations');
    expect(row!.applied_by).toMatch(/\(cli:[a-z_][a-z0-9_-]*, pid \d+\)/);
    expect(row!.applied_by).not.toContain('unknown');
    const status = await runCliProcess(['status', '--json', '--dir', dir, '--database-url', db.url], {
      runtime: [BUN],
    });
    expect(JSON.parse(status.stdout).counts.applied).toBe(1);
  });
});
