import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { createTestDatabase, query, withAdmin } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';
import { writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

async function scratchDatabases(): Promise<string[]> {
  return withAdmin(async (c) =>
    (await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'ogel_verify%'")).rows.map(
      (r) => r.datname,
    ),
  );
}

const good = {
  '001_projects.sql': 'CREATE TABLE projects (id serial PRIMARY KEY, tags text[]);',
  '001_projects.down.sql': 'DROP TABLE projects;',
  '002_tags_idx.sql': 'CREATE INDEX projects_tags_idx ON projects USING gin (tags);',
  '002_tags_idx.down.sql': 'DROP INDEX projects_tags_idx;',
  '003_policy.sql':
    'ALTER TABLE projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p_read ON projects FOR SELECT USING (true);',
  '003_policy.down.sql': 'DROP POLICY p_read ON projects;\nALTER TABLE projects DISABLE ROW LEVEL SECURITY;',
};

describe('verify', () => {
  it('passes a set whose downs exactly undo their ups, and drops its scratch database', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(good);
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.results.map((r) => [r.version, r.outcome])).toEqual([
      ['001', 'ok'],
      ['002', 'ok'],
      ['003', 'ok'],
    ]);
    expect(report.ok).toBe(true);
    expect(await scratchDatabases()).toEqual([]);
    // The configured database itself was never touched.
    expect(await query(db.url, "SELECT to_regclass('projects') AS r")).toEqual([{ r: null }]);
  });

  it('names exactly what a down fails to restore', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      ...good,
      '002_tags_idx.sql': 'CREATE INDEX IF NOT EXISTS projects_tags_idx ON projects USING gin (tags);',
      '002_tags_idx.down.sql': 'SELECT 1;',
      '003_policy.down.sql': 'DROP POLICY p_read ON projects;',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.ok).toBe(false);
    const [, idx, policy] = report.results;
    expect(idx).toMatchObject({
      outcome: 'down-does-not-restore',
      differences: ['index public.projects_tags_idx still exists after the down'],
    });
    expect(policy!.outcome).toBe('down-does-not-restore');
    expect(policy!.differences.join('\n')).toContain(
      'table public.projects: rowSecurity is true after the down, was false before the up',
    );
  });

  it('finds ups that are not repeatable, by error and by schema', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_counter.sql': 'CREATE TABLE counter (n int);',
      '001_counter.down.sql': 'DROP TABLE counter;',
      '002_sneaky.sql':
        'INSERT INTO counter VALUES (1);\nDO $$ BEGIN IF (SELECT count(*) FROM counter) > 1 THEN CREATE INDEX counter_n_idx ON counter (n); END IF; END $$;',
      '002_sneaky.down.sql': 'DROP INDEX IF EXISTS counter_n_idx;',
      '003_later.sql': 'CREATE TABLE later (id int);',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.results[1]).toMatchObject({
      outcome: 'up-not-repeatable',
      differences: ['index public.counter_n_idx appears only when the up runs a second time'],
    });
    // The chain is at a known state again (the second run's schema), so testing goes on.
    expect(report.results[2]).toMatchObject({ outcome: 'irreversible' });

    const leftover = await writeMigrations({
      '001_t.sql': 'CREATE TABLE t (id int);\nCREATE INDEX t_idx ON t (id);',
      '001_t.down.sql': 'DROP INDEX t_idx;',
    });
    const second = await new MigrationRunner({ databaseUrl: db.url, dir: leftover }).verify();
    expect(second.results[0]).toMatchObject({
      outcome: 'down-does-not-restore',
      differences: ['table public.t still exists after the down', expect.stringContaining('column public.t.id')],
    });
    expect(second.results[0]!.error).toContain(
      'then the up failed when run again: 001_t.sql:1:1: relation "t" already exists',
    );
    expect(await scratchDatabases()).toEqual([]);
  });

  it('reports irreversible migrations, failing only with --require-down; up failures stop the chain', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '002_bad.sql': 'ALTER TABLE nope ADD COLUMN x int;',
      '003_c.sql': 'SELECT 1;',
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const report = await runner.verify();
    expect(report.results.map((r) => r.outcome)).toEqual(['irreversible', 'up-failed', 'not-run']);
    expect(report.results[1]!.error).toContain('002_bad.sql:1:1: relation "nope" does not exist');
    const irreversibleOnly = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
    expect((await new MigrationRunner({ databaseUrl: db.url, dir: irreversibleOnly }).verify()).ok).toBe(true);
    expect(
      (await new MigrationRunner({ databaseUrl: db.url, dir: irreversibleOnly }).verify({ requireDown: true })).ok,
    ).toBe(false);
  });

  // --schema-from clones with pg_dump --schema-only.
  it.skipIf(!pgDumpCoversServer())(
    '--from and --schema-from test only the pending migrations, the way they will run',
    async () => {
      const db = await createTestDatabase();
      const dir = await writeMigrations(good);
      const runner = new MigrationRunner({ databaseUrl: db.url, dir });
      const from = await runner.verify({ from: '002' });
      expect(from.results.map((r) => r.version)).toEqual(['003']);
      await runner.migrate({ to: '002' });
      await query(db.url, 'ALTER TABLE projects ADD COLUMN added_by_hand int');
      const cloned = await runner.verify({ schemaFrom: db.url });
      expect(cloned).toMatchObject({ from: '002', ok: true });
      expect(cloned.results.map((r) => [r.version, r.outcome])).toEqual([['003', 'ok']]);
      await expect(runner.verify({ from: '042' })).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
      expect(await scratchDatabases()).toEqual([]);
    },
  );

  it('CLI: exit 1 and JSON on failure; --embedded needs no CREATEDB on the target', async () => {
    const dir = await writeMigrations({
      ...good,
      '002_tags_idx.sql': 'CREATE INDEX IF NOT EXISTS projects_tags_idx ON projects USING gin (tags);',
      '002_tags_idx.down.sql': 'SELECT 1;',
    });
    const db = await createTestDatabase();
    const text = await runCliProcess(['verify', '--dir', dir, '--database-url', db.url]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('002_tags_idx  down-does-not-restore');
    expect(text.stdout).toContain('index public.projects_tags_idx still exists after the down');
    const embedded = await runCliProcess(['verify', '--embedded', '--json', '--dir', dir]);
    expect(embedded.code).toBe(1);
    const report = JSON.parse(embedded.stdout);
    expect(report.scratch).toMatch(/^embedded PostgreSQL on port \d+$/);
    expect(report.results.map((r: { outcome: string }) => r.outcome)).toEqual(['ok', 'down-does-not-restore', 'ok']);
  });
});

describe('verify interrupted', () => {
  it('Ctrl-C (SIGINT) drops the scratch database', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../harness/cli.js');
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_slow.sql': 'CREATE TABLE s (id int);\nSELECT pg_sleep(5);',
      '001_slow.down.sql': 'DROP TABLE s;',
    });
    const child = spawn(process.execPath, [BIN, 'verify', '--dir', dir, '--database-url', db.url], { stdio: 'ignore' });
    const closed = new Promise((r) => child.on('close', r));
    for (let i = 0; i < 200 && (await scratchDatabases()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await scratchDatabases()).toHaveLength(1);
    child.kill('SIGINT');
    await closed;
    expect(await scratchDatabases()).toEqual([]);
  });
});

describe('scoped snapshots', () => {
  it('name the relations a migration touches, and give up (whole catalog) on code and CASCADE', async () => {
    const { verificationScope, fingerprintChanges } = await import('../../src/verify/scope.js');
    const { ensureParser } = await import('../../src/sql/parser.js');
    const { prepareScript } = await import('../../src/sql/prepare-script.js');
    await ensureParser();
    const scope = (...sql: string[]) => verificationScope(sql.map((text, i) => prepareScript(`${i}.sql`, text)));
    const relations = (...sql: string[]) => scope(...sql)?.relations.sort();
    expect(
      relations(
        'CREATE TABLE app.a (id int);\nCREATE INDEX a_id_idx ON app.a (id);',
        'DROP INDEX app.a_id_idx;\nDROP TABLE app.a;',
      ),
    ).toEqual(['app.a', 'app.a_id_idx']);
    expect(relations('ALTER TABLE b RENAME TO c;', 'ALTER TABLE c RENAME TO b;')).toEqual(['b', 'c']);
    expect(relations('CREATE POLICY p ON t USING (true);', 'DROP POLICY p ON t;')).toContain('t');
    expect(scope('INSERT INTO t VALUES (1);', 'DELETE FROM t WHERE id = 1;')).toEqual({
      relations: [],
      nonRelations: false,
    });
    expect(relations("COMMENT ON COLUMN s.t.c IS 'x';")).toEqual(['s.t']);
    expect(scope('CREATE TABLE a (id int);')?.nonRelations).toBe(false);
    // What is not a relation is then read whole: routines, types, schemas, their grants and comments.
    for (const sql of [
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
      'ALTER TYPE ty ADD ATTRIBUTE a int;',
      'GRANT USAGE ON SCHEMA s TO PUBLIC;',
      "COMMENT ON FUNCTION f() IS 'x';",
      'CREATE SCHEMA s;',
    ]) {
      expect(scope(sql)?.nonRelations, sql).toBe(true);
    }
    expect(scope('DO $$ BEGIN NULL; END $$;')).toBeNull();
    expect(scope('CREATE TABLE a (id int);', 'DROP TABLE a CASCADE;')).toBeNull();
    expect(scope('INSERT INTO t SELECT make_things();')).toBeNull();
    expect(scope('GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;')).toBeNull();
    expect(scope('ALTER SCHEMA a RENAME TO b;')).toBeNull();
    expect(fingerprintChanges({ relations: 3, views: 1 }, { relations: 3, views: 0 })).toEqual([
      'views outside the relations this migration names: 1 → 0',
    ]);
  });

  it("reads states on the scripts' connection: session changes and DEALLOCATE ALL in a migration are harmless", async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '001_a.down.sql': 'DROP TABLE a;',
      '002_b.sql': "CREATE TABLE b (id int);\nDEALLOCATE ALL;\nSET search_path = nowhere;\nSET DateStyle = 'German';",
      '002_b.down.sql': 'DROP TABLE public.b;',
      '003_c.sql': "CREATE TABLE c (id int, at timestamptz DEFAULT '2026-01-02 03:04:05+00');",
      '003_c.down.sql': 'DROP TABLE c;',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.results.map((r) => [r.version, r.outcome, r.error])).toEqual([
      ['001', 'ok', undefined],
      ['002', 'ok', undefined],
      ['003', 'ok', undefined],
    ]);
  });

  it('a scoped snapshot takes in inheritance children, views and referencing foreign keys', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_base.sql': 'CREATE TABLE parent (id int PRIMARY KEY);\nCREATE TABLE child () INHERITS (parent);',
      '001_base.down.sql': 'DROP TABLE child;\nDROP TABLE parent;',
      // ONLY leaves the column the child inherited behind: the parent is restored, the child is not.
      '002_x.sql': 'ALTER TABLE parent ADD COLUMN x int;',
      '002_x.down.sql': 'ALTER TABLE ONLY parent DROP COLUMN x;',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.results[1]).toMatchObject({ outcome: 'down-does-not-restore' });
    expect(report.results[1]!.differences.join('\n')).toContain('column public.child.x still exists after the down');
  });

  it('a down that changes what it does not name is still caught (whole-catalog snapshot for code)', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_keep.sql': 'CREATE TABLE keep (id int);\nCREATE VIEW keep_view AS SELECT id FROM keep;',
      '001_keep.down.sql': 'DROP VIEW keep_view;\nDROP TABLE keep;',
      '002_z.sql': 'CREATE TABLE z (id int);',
      '002_z.down.sql': "DROP TABLE z;\nDO $$ BEGIN EXECUTE 'DROP VIEW keep_view'; END $$;",
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.results[1]).toMatchObject({ outcome: 'down-does-not-restore' });
    expect(report.results[1]!.differences.join('\n')).toContain('view public.keep_view is missing after the down');
  });
});
