import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { MigrationRunner, httpStatusFor, isOgelError } from '../../src/index.js';
import { serverError } from '../../src/db/server-errors.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check().catch(() => false)) return;
    await sleep(10);
  }
  throw new Error(`never saw: ${what}`);
}

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

describe('a database-level statement_timeout (as managed Postgres sets one)', () => {
  it('does not cancel a wait for the migration lock; a migration it cancels fails typed, with a hint', async () => {
    const db = await createTestDatabase();
    await query(db.url, `ALTER DATABASE ${db.name} SET statement_timeout = '300ms'`);
    const dir = await writeMigrations({ '001_slow.sql': 'SELECT pg_sleep(1.2);\nCREATE TABLE slow (id int);' });
    // The holder opts out of the server's timeout for its own statements; the waiter keeps the server's.
    const holder = new MigrationRunner({ databaseUrl: db.url, dir, statementTimeoutMs: 0 });
    const waiter = new MigrationRunner({ databaseUrl: db.url, dir });
    const waited: unknown[] = [];
    waiter.events.on('lock:waiting', (e) => waited.push(e.holder));
    const first = holder.migrate();
    await until(async () => (await waiter.lockHolder()) !== null, 'the holder');
    const second = await waiter.migrate();
    expect(second.applied).toEqual([]);
    expect(second.lockWaitMs).toBeGreaterThan(300);
    expect(waited).toHaveLength(1);
    expect((await first).applied.map((a) => a.version)).toEqual(['001']);

    const other = await createTestDatabase();
    await query(other.url, `ALTER DATABASE ${other.name} SET statement_timeout = '300ms'`);
    const error = await new MigrationRunner({ databaseUrl: other.url, dir }).migrate().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MIGRATION_FAILED',
      details: { sqlState: '57014', line: 1 },
      message: expect.stringContaining('pass a larger --statement-timeout'),
    });
  });
});

describe('statement_timeout outside a migration', () => {
  it('is STATEMENT_TIMEOUT (504) saying what to raise, never INTERNAL', async () => {
    const db = await createTestDatabase();
    const raw = await query(db.url, "SET statement_timeout = '50ms'; SELECT pg_sleep(1)").catch((e: unknown) => e);
    const typed = serverError(raw, 'reading the tracking table');
    expect(typed).toMatchObject({
      code: 'STATEMENT_TIMEOUT',
      message: expect.stringMatching(/^Cancelled by statement_timeout while reading the tracking table: .*raise it/),
    });
    expect(httpStatusFor(typed)).toBe(504);
  });
});

describe('a role that cannot create the tracking schema', () => {
  it('gets INSUFFICIENT_PRIVILEGE saying what is missing; the schema an owner creates as told is used', async () => {
    const db = await createTestDatabase();
    const role = `limited_${db.name}`;
    await query(db.url, `CREATE ROLE ${role} LOGIN PASSWORD 'limited'`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'limited';
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE platform.a (id int);' });
    const cli = await runCliProcess(['migrate', '--dir', dir, '--database-url', url.toString()]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(
      `[INSUFFICIENT_PRIVILEGE] Role "${role}" cannot create the tracking tables platform.schema_migrations (permission denied for database ${db.name}): it may not create schemas in database "${db.name}". Have an owner create the schema once: CREATE SCHEMA platform AUTHORIZATION ${role};`,
    );
    const runner = new MigrationRunner({ databaseUrl: url.toString(), dir });
    const error = await runner.migrate().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_PRIVILEGE',
      details: { role, privilege: 'CREATE on the database' },
    });
    expect(httpStatusFor(error)).toBe(503);
    await query(db.url, `CREATE SCHEMA platform AUTHORIZATION ${role}`);
    expect((await runner.migrate()).applied.map((a) => a.version)).toEqual(['001']);
  });
});

describe('deadlocks', () => {
  it('a migration the server picks as a deadlock victim is retried and applied', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE a (id int); CREATE TABLE b (id int)');
    const dir = await writeMigrations({
      '001_both.sql':
        'LOCK TABLE a IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(0.3);\nLOCK TABLE b IN ACCESS EXCLUSIVE MODE;\nCREATE TABLE done (id int);',
    });
    const other = await client(db.url);
    // The other session detects late, so the migration's session is the one the server cancels.
    await other.query("BEGIN; SET LOCAL deadlock_timeout = '10s'; LOCK TABLE b IN ACCESS EXCLUSIVE MODE");
    const runner = new MigrationRunner({ databaseUrl: db.url, dir, retryBaseMs: 50 });
    const retries: string[] = [];
    runner.events.on('migration:retry', (e) => retries.push(e.reason));
    const run = runner.migrate();
    await until(
      async () =>
        (
          await query(
            db.url,
            "SELECT 1 FROM pg_locks WHERE relation = 'a'::regclass AND granted AND mode = 'AccessExclusiveLock'",
          )
        ).length > 0,
      'the migration holding a',
    );
    await other.query('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
    await other.query('COMMIT');
    await other.end();
    expect((await run).applied.map((m) => m.version)).toEqual(['001']);
    expect(retries[0]).toMatch(/^deadlock detected \(001_both\.sql:3\)/);
  });

  it('a deadlock outside a migration is DEADLOCK (409), never INTERNAL', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE a (id int); CREATE TABLE b (id int)');
    const [one, two] = [await client(db.url), await client(db.url)];
    await one.query("BEGIN; SET LOCAL deadlock_timeout = '10ms'; LOCK TABLE a");
    await two.query("BEGIN; SET LOCAL deadlock_timeout = '10s'; LOCK TABLE b");
    const waiting = two.query('LOCK TABLE a').catch((e: unknown) => e);
    await until(async () => (await query(db.url, 'SELECT 1 FROM pg_locks WHERE NOT granted')).length > 0, 'a waiter');
    const raw = await one.query('LOCK TABLE b').catch((e: unknown) => e);
    await one.query('ROLLBACK');
    await waiting;
    await two.query('ROLLBACK');
    await Promise.all([one.end(), two.end()]);
    const typed = serverError(raw, 'reading the tracking table');
    expect(typed).toMatchObject({ code: 'DEADLOCK', details: { sqlState: '40P01' } });
    expect(httpStatusFor(typed)).toBe(409);
  });
});

describe('lock retries name who blocks them', () => {
  it('each retry of a statement waiting for a table lock names the sessions holding it', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE busy (id int)');
    const dir = await writeMigrations({ '001_alter.sql': 'ALTER TABLE busy ADD COLUMN note text;' });
    const blocker = await client(db.url);
    const pid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await blocker.query("SET application_name = 'report-job'; BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE");
    const runner = new MigrationRunner({
      databaseUrl: db.url,
      dir,
      lockTimeoutMs: 100,
      lockRetries: 20,
      retryBaseMs: 50,
    });
    const retries: Array<{ reason: string; blockers: Array<{ pid: number }> }> = [];
    runner.events.on('migration:retry', (e) => retries.push(e));
    const run = runner.migrate();
    await until(async () => retries.length >= 2, 'two retries');
    await blocker.query('COMMIT');
    await blocker.end();
    await run;
    expect(retries[0]!.blockers.map((b) => b.pid)).toEqual([pid]);
    expect(retries[0]!.reason).toMatch(
      new RegExp(
        `^canceling statement due to lock timeout \\(001_alter\\.sql:1\\); held by pid ${pid} \\(report-job, idle in transaction since \\d{4}-.*, AccessShareLock on busy\\)$`,
      ),
    );
  });
});

describe('losing the database mid-run', () => {
  it('is DB_CONNECTION (HTTP 503), saying what it means for the migration, never MIGRATION_FAILED', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);' });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const run = runner.migrate().catch((e: unknown) => e);
    await until(
      async () =>
        (
          await query(
            db.url,
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(3)%' AND state = 'active' AND pid <> pg_backend_pid()",
          )
        ).length > 0,
      'the migration running',
    );
    await query(
      db.url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'ogel-migrate%' AND pid <> pg_backend_pid()",
    );
    const error = await run;
    expect(isOgelError(error, 'DB_CONNECTION')).toBe(true);
    expect(httpStatusFor(error)).toBe(503);
    expect((error as Error).message).toMatch(
      /^001_slow\.sql: lost the connection to the database while this migration ran \(.+\)\. Its transaction and its tracking row were committed together or not at all/,
    );
    expect(await query(db.url, "SELECT to_regclass('slow') AS r")).toEqual([{ r: null }]);
  });
});
