import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { cleanUp, tempDir } from './takeover.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/peers/', import.meta.url));
afterAll(cleanUp);

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('ogel-peer-');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

async function importJson(args: string[]) {
  const out = join(await tempDir('ogel-out-'), 'migrations');
  const run = await runCliProcess(['import', ...args, '--out', out, '--json']);
  return { out, code: run.code, json: JSON.parse(run.stdout) as Record<string, any> };
}

describe('import refuses what needs a human', () => {
  it('a dirty golang-migrate version: exit 1, what to do, nothing written, the peer table untouched', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
    await query(db.url, 'INSERT INTO schema_migrations VALUES (2, true)');
    const src = join(FIXTURES, 'golang-migrate');
    const { out, code, json } = await importJson(['--from', 'golang-migrate', src, '--database-url', db.url]);
    expect(code).toBe(1);
    expect(json.error.code).toBe('PEER_STATE_DIRTY');
    expect(json.error.message).toContain('migrate force');
    expect(existsSync(out)).toBe(false);
    expect(await query(db.url, 'SELECT * FROM schema_migrations')).toEqual([{ version: '2', dirty: true }]);
    expect(await query(db.url, "SELECT to_regclass('platform.schema_migrations') AS t")).toEqual([{ t: null }]);
  });

  it('a failed Prisma migration and a failed Flyway row are refused with their own fix', async () => {
    const db = await createTestDatabase();
    await query(
      db.url,
      `CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
         migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(),
         applied_steps_count integer NOT NULL DEFAULT 0);
       INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('a', 'x', '20240101000000_init');`,
    );
    const prisma = await importJson(['--from', 'prisma', join(FIXTURES, 'prisma'), '--database-url', db.url]);
    expect(prisma.json.error).toMatchObject({
      code: 'PEER_STATE_DIRTY',
      message: expect.stringContaining('prisma migrate resolve'),
    });
    await query(
      db.url,
      `CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
         type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
         installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
       INSERT INTO flyway_schema_history VALUES (1, '1', 'Create users', 'SQL', 'V1__Create_users.sql', 0, 'me', now(), 1, false);`,
    );
    const flyway = await importJson(['--from', 'flyway', join(FIXTURES, 'flyway'), '--database-url', db.url]);
    expect(flyway.json.error).toMatchObject({
      code: 'PEER_STATE_DIRTY',
      message: expect.stringContaining('flyway repair'),
    });
  });

  it('a recorded migration whose file is gone, and a database without the tool', async () => {
    const db = await createTestDatabase();
    const unset = await runCliProcess([
      'import',
      '--from',
      'dbmate',
      FIXTURES,
      '--out',
      '/nonexistent',
      '--database-url',
      'env:NO_SUCH_URL',
    ]);
    expect(unset).toMatchObject({ code: 2, stderr: expect.stringContaining('$NO_SUCH_URL is not set') });
    await query(db.url, 'CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
    await query(db.url, "INSERT INTO schema_migrations VALUES ('20240101000000'), ('20231231000000')");
    const gone = await importJson(['--from', 'dbmate', join(FIXTURES, 'dbmate'), '--database-url', db.url]);
    expect(gone.code).toBe(1);
    expect(gone.json.error).toMatchObject({
      code: 'MISSING_MIGRATION_FILE',
      message: expect.stringContaining('20231231000000'),
    });
    expect(existsSync(gone.out)).toBe(false);
    const none = await importJson(['--from', 'diesel', join(FIXTURES, 'diesel'), '--database-url', db.url]);
    expect(none.json.error).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('__diesel_schema_migrations'),
    });
    expect(none.code).toBe(2);
  });

  it('what cannot be mapped is reported and exits 1: fizz, JavaScript migrations, placeholders without a value', async () => {
    const pop = await importJson([
      '--from',
      'pop',
      await project({
        'migrations/20240101000000_a.up.sql': 'CREATE TABLE a (id int);',
        'migrations/20240102000000_b.up.fizz': 'create_table("b") {}',
      }),
    ]);
    expect(pop.code).toBe(1);
    expect(pop.json.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'fizz', severity: 'error' })]),
    );
    const npm = await importJson([
      '--from',
      'node-pg-migrate',
      await project({
        'migrations/1700000000000_a.sql': '-- Up Migration\nCREATE TABLE a (id int);\n',
        'migrations/1700000000001_b.js': 'exports.up = (pgm) => {};',
      }),
    ]);
    expect(npm.json.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'code-migration', file: '1700000000001_b.js' })]),
    );
    const flyway = await importJson([
      '--from',
      'flyway',
      await project({ 'V1__a.sql': 'CREATE TABLE ${table} (id int);' }),
    ]);
    expect(flyway.code).toBe(1);
    expect(flyway.json.problems[0]).toMatchObject({ code: 'placeholder', decideWith: '--placeholder table=VALUE' });
    const given = await importJson([
      '--from',
      'flyway',
      await project({ 'V1__a.sql': 'CREATE TABLE ${table} (id int);' }),
      '--placeholder',
      'table=t',
    ]);
    expect(given.code).toBe(0);
    expect(await readFile(join(given.out, '1_a.sql'), 'utf8')).toBe('CREATE TABLE t (id int);');
    const none = await runCliProcess(['import', '--from', 'nosuchtool', '.', '--out', given.out]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('golang-migrate');
  });
});

describe('adopt recognises another tool’s layout', () => {
  it('a golang-migrate directory: downs become downs, not forward migrations numbered before their ups', async () => {
    const out = join(await tempDir('ogel-adopt-'), 'migrations');
    const run = await runCliProcess(['adopt', join(FIXTURES, 'golang-migrate/migrations'), '--out', out, '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.detected).toBe('golang-migrate');
    expect(json.files.map((f: { target: string }) => f.target)).toEqual([
      '000001_create_users.sql',
      '000001_create_users.down.sql',
      '000002_add_name.sql',
      '000002_add_name.down.sql',
      '000003_create_posts.sql',
      '000003_create_posts.down.sql',
    ]);
    const validate = await runCliProcess(['validate', '--offline', '--dir', out]);
    expect(validate.code).toBe(0);
    // --legacy keeps the old behaviour for a directory that only looks like one.
    const legacy = await runCliProcess([
      'adopt',
      join(FIXTURES, 'golang-migrate/migrations'),
      '--out',
      `${out}-legacy`,
      '--legacy',
      '--json',
    ]);
    expect(JSON.parse(legacy.stdout).detected).toBeUndefined();
  });
});
