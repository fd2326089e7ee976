import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const BATCHED_DO = `CREATE TABLE events (id int);
DO $$
BEGIN
  FOR i IN 1..3 LOOP
    INSERT INTO events VALUES (i);
    COMMIT;
  END LOOP;
END $$;`;

const PROCEDURE = `CREATE PROCEDURE app_backfill(n int) LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..n LOOP
    INSERT INTO filled VALUES (i);
    ROLLBACK;
    INSERT INTO filled VALUES (i);
    COMMIT;
  END LOOP;
END $$;`;

describe('transaction control inside DO blocks and procedures', () => {
  it('a DO block that commits between batches is planned outside a transaction, says why, and applies', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_backfill.sql': BATCHED_DO,
      '002_plain.sql': 'CREATE TABLE plain (id int);',
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const plan = await runner.migrate({ dryRun: true });
    expect(plan.planned.map((p) => [p.version, p.transactional, p.modeReason])).toEqual([
      [
        '001',
        false,
        'the DO block at line 2 runs COMMIT (line 6): transaction control cannot run inside a transaction block',
      ],
      ['002', true, 'transactional'],
    ]);
    const cli = await runCliProcess(['plan', '--dir', dir, '--database-url', db.url]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('001_backfill  001_backfill.sql  no transaction (the DO block at line 2 runs COMMIT');
    await runner.migrate();
    expect(await query(db.url, 'SELECT id FROM events ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect((await runner.status()).counts).toMatchObject({ applied: 2, failed: 0 });
  });

  it('CALL of a procedure that commits, created in an earlier migration, in the same file, or called from DO', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_table.sql': 'CREATE TABLE filled (id int);',
      '002_procedure.sql': PROCEDURE,
      '003_call.sql': 'CALL app_backfill(2);',
      '004_do_call.sql': 'DO $$ BEGIN CALL public.app_backfill(1); END $$;',
      '005_same_file.sql': `CREATE PROCEDURE local_commit() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO filled VALUES (9); COMMIT; END $$;
CALL local_commit();`,
      '006_harmless_call.sql': `CREATE PROCEDURE quiet() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO filled VALUES (10); END $$;
CALL quiet();`,
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const plan = await runner.migrate({ dryRun: true });
    expect(plan.planned.map((p) => [p.version, p.transactional])).toEqual([
      ['001', true],
      ['002', true],
      ['003', false],
      ['004', false],
      ['005', false],
      ['006', true],
    ]);
    expect(plan.planned[2]!.modeReason).toBe(
      'CALL app_backfill (line 1) runs a procedure that commits or rolls back: it cannot run inside a transaction block',
    );
    expect(plan.planned[3]!.modeReason).toMatch(/calls public\.app_backfill \(line 1\), a procedure that commits/);
    await runner.migrate();
    expect((await query<{ id: number }>(db.url, 'SELECT id FROM filled ORDER BY id')).map((r) => r.id)).toEqual([
      1, 1, 2, 9, 10,
    ]);
    expect(await runner.validate()).toMatchObject({ ok: true });
  });

  it('transaction control the parser cannot see fails as MIGRATION_FAILED with a hint, not INTERNAL', async () => {
    const db = await createTestDatabase();
    // Created outside the migrations: its body is invisible to the planner.
    await query(db.url, 'CREATE PROCEDURE made_by_hand() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$');
    const dir = await writeMigrations({ '001_external.sql': 'CREATE TABLE d (id int);\nCALL made_by_hand();' });
    const error = await new MigrationRunner({ databaseUrl: db.url, dir }).migrate().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MIGRATION_FAILED',
      details: { sqlState: '2D000', line: 2 },
      message: expect.stringContaining('start the file with `-- ogel:no-transaction`'),
    });
    expect(await query(db.url, "SELECT to_regclass('d') AS r")).toEqual([{ r: null }]);
  });
});
