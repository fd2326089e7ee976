import { describe, expect, it } from 'vitest';
import { MigrationRunner, isOgelError, type OgelError } from '../../src/index.js';
import { createTestDatabase, query } from '../harness/db.js';
import { addMigration, writeMigrations } from '../harness/migrations.js';

const basic = {
  '001_create_schema.sql': 'CREATE SCHEMA IF NOT EXISTS app;',
  '002_create_items.sql': 'CREATE TABLE app.items (id serial PRIMARY KEY, name text NOT NULL);',
  '002_create_items.down.sql': 'DROP TABLE app.items;',
  '003_add_price.sql':
    'ALTER TABLE app.items ADD COLUMN price numeric;\nCREATE INDEX items_name_idx ON app.items (name);',
  '003_add_price.down.sql': 'DROP INDEX app.items_name_idx;\nALTER TABLE app.items DROP COLUMN price;',
};

async function setup(files: Record<string, string> = basic) {
  const db = await createTestDatabase();
  const dir = await writeMigrations(files);
  const runner = new MigrationRunner({ databaseUrl: db.url, dir, lockWaitMs: 20_000 });
  return { db, dir, runner };
}

async function catchError(promise: Promise<unknown>): Promise<OgelError> {
  try {
    await promise;
  } catch (error) {
    if (isOgelError(error)) return error;
    throw error;
  }
  throw new Error('expected an OgelError');
}

describe('migrate', () => {
  it('applies pending migrations in order and records rows and events', async () => {
    const { db, runner } = await setup();
    const before = await runner.status();
    expect(before.counts).toEqual({ applied: 0, pending: 3, modified: 0, missing: 0, failed: 0 });
    const result = await runner.migrate();
    expect(result.applied.map((a) => a.version)).toEqual(['001', '002', '003']);
    expect(result.current).toBe('003');
    const rows = await query<Record<string, unknown>>(
      db.url,
      'SELECT * FROM platform.schema_migrations ORDER BY version',
    );
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({ version: '002', name: 'create_items', kind: 'migration', status: 'applied' });
    expect(String(rows[1]!.checksum)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(String(rows[1]!.down_checksum)).toMatch(/^sha256:/);
    expect(String(rows[1]!.applied_by)).toMatch(/^postgres via .+ \(library(:\w+)?, pid \d+\)$/);
    expect(typeof rows[1]!.execution_ms).toBe('number');
    const events = await query(
      db.url,
      'SELECT event, outcome, version FROM platform.schema_migration_events ORDER BY id',
    );
    expect(events).toEqual([
      { event: 'apply', outcome: 'success', version: '001' },
      { event: 'apply', outcome: 'success', version: '002' },
      { event: 'apply', outcome: 'success', version: '003' },
    ]);
    const again = await runner.migrate();
    expect(again.applied).toEqual([]);
    const status = await runner.status();
    expect(status.current).toBe('003');
    expect(status.migrations.map((m) => [m.version, m.state, m.reversible])).toEqual([
      ['001', 'applied', false],
      ['002', 'applied', true],
      ['003', 'applied', true],
    ]);
  });

  it('stops at a failing file mid-batch: nothing of it applied, error names file, statement and position', async () => {
    const { db, runner } = await setup({
      ...basic,
      '003_add_price.sql':
        'ALTER TABLE app.items ADD COLUMN price numeric;\nALTER TABLE app.items\n  ADD COLUMN broken nosuchtype;\n',
      '004_never.sql': 'CREATE TABLE app.never (id int);',
    });
    const error = await catchError(runner.migrate());
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toContain('003_add_price.sql:3:21: type "nosuchtype" does not exist');
    expect(error.message).toContain('statement 2 of 2 (line 2): ALTER TABLE app.items');
    expect(error.details).toMatchObject({
      file: '003_add_price.sql',
      line: 3,
      column: 21,
      sqlState: '42704',
      appliedBeforeFailure: ['001', '002'],
    });
    const columns = await query(
      db.url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY 1",
    );
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'name']);
    expect(await query(db.url, "SELECT to_regclass('app.never') AS r")).toEqual([{ r: null }]);
    const status = await runner.status();
    expect(status.current).toBe('002');
    expect(status.counts).toMatchObject({ applied: 2, pending: 2, failed: 0 });
    const [event] = await query(
      db.url,
      "SELECT event, outcome, version, error, details FROM platform.schema_migration_events WHERE outcome = 'failure'",
    );
    expect(event).toMatchObject({
      event: 'apply',
      version: '003',
      details: { line: 3, column: 21, sqlState: '42704' },
    });
    expect(String(event!.error)).toContain('nosuchtype');
  });

  it('reports a runtime error without a position at the failing statement', async () => {
    const { runner } = await setup({
      '001_a.sql': 'CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n\nINSERT INTO t VALUES (1);\n',
    });
    const error = await catchError(runner.migrate());
    expect(error.message).toMatch(/^001_a\.sql:4:1: duplicate key value violates unique constraint "t_pkey"/);
    expect(error.message).toContain('detail: Key (id)=(1) already exists.');
  });

  it("one message per migration still names the failing statement, and a COMMIT-time failure is the file's", async () => {
    const { runner, db } = await setup({
      '001_a.sql':
        'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int);\nCREATE TABLE a (id int);\nCREATE TABLE c (id int);\n',
    });
    const middle = await catchError(runner.migrate());
    // "relation already exists" carries no position: found by counting the statements that completed.
    expect(middle.message).toMatch(/^001_a\.sql:3:1: relation "a" already exists/);
    expect(middle.message).toContain('statement 3 of 4 (line 3): CREATE TABLE a (id int)');
    expect(await query(db.url, "SELECT to_regclass('public.b') AS b")).toEqual([{ b: null }]);
    const deferred = await setup({
      '001_fk.sql': [
        'CREATE TABLE parent (id int PRIMARY KEY);',
        'CREATE TABLE child (parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);',
        'INSERT INTO child VALUES (1);',
      ].join('\n'),
    });
    const atCommit = await catchError(deferred.runner.migrate());
    expect(atCommit.message).toContain('violates foreign key constraint');
    expect(atCommit.message).not.toContain('tracking table');
    expect(atCommit.details).toMatchObject({ file: '001_fk.sql', statementIndex: 2 });
    expect(await query(deferred.db.url, "SELECT to_regclass('public.parent') AS t")).toEqual([{ t: null }]);
  });

  it('refuses syntax errors and embedded transaction control before running anything', async () => {
    const syntax = await setup({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_bad.sql': 'SELECT 1;\nCREATE TABLE (;',
    });
    const error = await catchError(syntax.runner.migrate());
    expect(error.code).toBe('SQL_SYNTAX');
    expect(error.message).toContain('002_bad.sql:2:14');
    expect(await query(syntax.db.url, "SELECT to_regclass('ok') AS r")).toEqual([{ r: null }]);

    // Every file that does not parse is named at once, not one per attempt.
    const several = await setup({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_bad.sql': 'CREATE TABLE (;',
      '003_ok.sql': 'CREATE TABLE ok3 (id int);',
      '004_bad.sql': 'SELECT 1;\nSELEC 2;',
    });
    const both = await catchError(several.runner.migrate());
    expect(both.code).toBe('SQL_SYNTAX');
    expect(both.message).toContain('002_bad.sql:1:14');
    expect(both.message).toContain('004_bad.sql:2:1');
    expect(both.message).toContain('2 files do not parse; nothing was run');
    expect(both.details).toMatchObject({
      file: '002_bad.sql',
      others: [expect.objectContaining({ file: '004_bad.sql' })],
    });
    expect(await query(several.db.url, "SELECT to_regclass('ok') AS r")).toEqual([{ r: null }]);

    const control = await setup({
      '001_tx.sql': 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);',
    });
    const txError = await catchError(control.runner.migrate());
    expect(txError.code).toBe('TRANSACTION_CONTROL_IN_TRANSACTIONAL_MIGRATION');
    expect(txError.message).toContain('001_tx.sql:1:1 BEGIN');
    expect(txError.message).toContain('001_tx.sql:3:1 COMMIT');
    expect(txError.message).toContain('-- ogel:no-transaction');

    const asWritten = await setup({
      '001_tx.sql': '-- ogel:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);',
    });
    const result = await asWritten.runner.migrate();
    expect(result.planned[0]).toMatchObject({ transactional: false, modeReason: '-- ogel:no-transaction directive' });
    expect(
      await query(asWritten.db.url, "SELECT to_regclass('a') IS NOT NULL AS a, to_regclass('b') IS NOT NULL AS b"),
    ).toEqual([{ a: true, b: true }]);
  });

  it('a last statement ending in a line comment does not swallow the tracking write', async () => {
    const { db, runner } = await setup({ '001_a.sql': 'CREATE TABLE t (id int) -- no semicolon, trailing comment' });
    await runner.migrate();
    expect(await query(db.url, 'SELECT version FROM platform.schema_migrations')).toEqual([{ version: '001' }]);
  });

  it('runs CREATE INDEX CONCURRENTLY outside a transaction automatically', async () => {
    const { db, runner } = await setup({
      '001_t.sql': 'CREATE TABLE t (id int);',
      '002_idx.sql': 'CREATE INDEX CONCURRENTLY t_id_idx ON t (id);',
    });
    const result = await runner.migrate();
    expect(result.applied[1]).toMatchObject({ version: '002', transactional: false });
    expect(await query(db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id_idx'::regclass")).toEqual([
      { indisvalid: true },
    ]);
  });

  it('records a failed no-transaction migration and refuses until repair', async () => {
    const { db, dir, runner } = await setup({
      '001_t.sql': 'CREATE TABLE t (id int);',
      '002_half.sql': '-- ogel:no-transaction\nCREATE TABLE half (id int);\nCREATE TABLE t (id int);\n',
      '003_next.sql': 'CREATE TABLE next (id int);',
    });
    const error = await catchError(runner.migrate());
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toContain('002_half.sql:3:1: relation "t" already exists');
    const status = await runner.status();
    expect(status.migrations.find((m) => m.version === '002')).toMatchObject({ state: 'failed' });
    expect(status.counts.failed).toBe(1);
    const refused = await catchError(runner.migrate());
    expect(refused.code).toBe('FAILED_MIGRATION_PRESENT');
    expect(refused.message).toContain('ogel-migrate repair');
    // The human undoes the half-applied part and fixes the file, then repairs.
    await query(db.url, 'DROP TABLE half');
    await addMigration(dir, '002_half.sql', '-- ogel:no-transaction\nCREATE TABLE half (id int);\n');
    const repaired = await runner.repair();
    expect(repaired.removedFailed).toEqual(['002']);
    const result = await runner.migrate();
    expect(result.applied.map((a) => a.version)).toEqual(['002', '003']);
    const events = await query(
      db.url,
      "SELECT event, outcome, version FROM platform.schema_migration_events WHERE version = '002' ORDER BY id",
    );
    expect(events).toEqual([
      { event: 'apply', outcome: 'failure', version: '002' },
      { event: 'repair', outcome: 'success', version: '002' },
      { event: 'apply', outcome: 'success', version: '002' },
    ]);
  });

  it('repair --mark-applied records a migration the human completed by hand', async () => {
    const { runner } = await setup({ '001_x.sql': '-- ogel:no-transaction\nSELECT 1/0;' });
    await catchError(runner.migrate());
    await expect(runner.repair({ markApplied: ['009'] })).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
    expect((await runner.repair({ markApplied: ['001'] })).markedApplied).toEqual(['001']);
    expect((await runner.status()).migrations[0]).toMatchObject({ state: 'applied' });
  });

  it('detects modified, missing and out-of-order migrations', async () => {
    const { dir, runner } = await setup();
    await runner.migrate({ to: '002' });
    await addMigration(dir, '002_create_items.sql', 'CREATE TABLE app.items (id bigserial PRIMARY KEY, name text);');
    const modified = await runner.status();
    expect(modified.migrations.find((m) => m.version === '002')).toMatchObject({ state: 'modified' });
    const refused = await catchError(runner.migrate());
    expect(refused.code).toBe('CHECKSUM_MISMATCH');
    expect(refused.message).toContain('002_create_items');
    expect((await runner.repair()).realigned).toEqual(['002']);

    await runner.migrate();
    await addMigration(dir, '002.5_late.sql', 'CREATE TABLE app.late (id int);');
    const outOfOrder = await catchError(runner.migrate());
    expect(outOfOrder.code).toBe('OUT_OF_ORDER');
    expect(outOfOrder.message).toContain('002.5_late');
    const late = await runner.migrate({ outOfOrder: true });
    expect(late.applied.map((a) => a.version)).toEqual(['002.5']);
    // The database is still at its highest version, as status says, not at the one applied last.
    expect(late.current).toBe((await runner.status()).current);
    expect(late.current).not.toBe('002.5');

    const { rm } = await import('node:fs/promises');
    await rm(`${dir}/001_create_schema.sql`);
    const missing = await runner.status();
    expect(missing.migrations.find((m) => m.version === '001')).toMatchObject({ state: 'missing' });
    expect((await catchError(runner.migrate())).code).toBe('MISSING_MIGRATION_FILE');
    expect((await runner.migrate({ ignoreMissing: true })).applied).toEqual([]);
  });

  it('migrate --to stops at the given version; unknown versions are refused', async () => {
    const { runner } = await setup();
    expect((await runner.migrate({ to: '2' })).applied.map((a) => a.version)).toEqual(['001', '002']);
    expect((await catchError(runner.migrate({ to: '999' }))).code).toBe('UNKNOWN_VERSION');
    expect((await catchError(runner.migrate({ to: 'abc' }))).code).toBe('UNKNOWN_VERSION');
  });

  it('dry run plans without changing the database', async () => {
    const { db, runner } = await setup();
    const result = await runner.migrate({ dryRun: true });
    expect(result.planned.map((p) => [p.version, p.transactional, p.statements])).toEqual([
      ['001', true, 1],
      ['002', true, 1],
      ['003', true, 2],
    ]);
    expect(await query(db.url, "SELECT to_regclass('platform.schema_migrations') AS r")).toEqual([{ r: null }]);
  });

  it('does not leak session settings from one migration into the next', async () => {
    const { db, runner } = await setup({
      '001_schemas.sql': 'CREATE SCHEMA other;',
      '002_set_path.sql': 'SET search_path = other;\nCREATE TABLE in_other (id int);',
      '003_plain.sql': 'CREATE TABLE where_am_i (id int);',
      '004_session.sql':
        "SET work_mem = '64kB';\nCREATE ROLE leak_test_role;\nSET ROLE leak_test_role;\nCREATE TEMP TABLE scratch (id int);",
      '004.5_select.sql': "SELECT set_config('search_path', 'other', false);",
      '004.6_plain.sql': 'CREATE TABLE after_select (id int);',
      '005_after.sql': [
        "DO $$ BEGIN IF current_setting('work_mem') = '64kB' THEN RAISE EXCEPTION 'work_mem leaked'; END IF; END $$;",
        "DO $$ BEGIN IF current_user = 'leak_test_role' THEN RAISE EXCEPTION 'role leaked'; END IF; END $$;",
        'CREATE TEMP TABLE scratch (id int);',
        'CREATE TABLE after_role (id int);',
      ].join('\n'),
    });
    await runner.migrate();
    const rows = await query(
      db.url,
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('in_other', 'where_am_i', 'after_role', 'after_select') ORDER BY 2",
    );
    expect(rows).toEqual([
      { table_schema: 'public', table_name: 'after_role' },
      { table_schema: 'public', table_name: 'after_select' },
      { table_schema: 'other', table_name: 'in_other' },
      { table_schema: 'public', table_name: 'where_am_i' },
    ]);
  });
});
