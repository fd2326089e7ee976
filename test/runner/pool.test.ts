import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationRunner, isOgelError } from '../../src/index.js';
import { createTestDatabase } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const pools: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

/** One connection only, so every operation and every check below runs on the very same backend. */
async function singleConnectionPool(): Promise<{ pool: pg.Pool; url: string }> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 1, application_name: 'embedding-app' });
  pools.push(pool);
  return { pool, url: db.url };
}

/** What an application would find on the connection the runner handed back. */
async function connectionState(pool: pg.Pool) {
  const { rows } = await pool.query<{
    path: string;
    app: string;
    role: string;
    locks: number;
    temp: number;
    work_mem: string;
  }>(
    `SELECT current_setting('search_path') AS path, current_setting('application_name') AS app, current_user AS role,
            (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS locks,
            (SELECT count(*)::int FROM pg_class WHERE relpersistence = 't') AS temp, current_setting('work_mem') AS work_mem`,
  );
  return rows[0]!;
}

describe('a runner on a pool the embedder owns', () => {
  it('migrates, reports and rolls back, handing the connection back as it found it', async () => {
    const { pool } = await singleConnectionPool();
    const clean = await connectionState(pool);
    const dir = await writeMigrations({
      '001_schema.sql': 'CREATE SCHEMA other;',
      '002_session.sql':
        "SET search_path = other;\nSET work_mem = '64kB';\nCREATE TEMP TABLE scratch (id int);\nCREATE TABLE in_other (id int);",
      '002_session.down.sql': 'DROP TABLE other.in_other;',
      '003_concurrently.sql': '-- ogel:no-transaction\nCREATE INDEX CONCURRENTLY in_other_id ON other.in_other (id);',
      '003_concurrently.down.sql': 'DROP INDEX other.in_other_id;',
    });
    const runner = new MigrationRunner({ pool, dir });
    const result = await runner.migrate();
    expect(result.applied.map((m) => m.version)).toEqual(['001', '002', '003']);
    expect(await connectionState(pool)).toEqual(clean);
    const status = await runner.status();
    expect(status.counts).toMatchObject({ applied: 3, pending: 0 });
    expect(await connectionState(pool)).toEqual(clean);
    await runner.rollback({ steps: 2 });
    expect((await runner.status()).counts).toMatchObject({ applied: 1, pending: 2 });
    expect(await connectionState(pool)).toEqual(clean);
    expect(pool.totalCount).toBe(1);
  });

  it('keeps the pool usable and the lock free after a failed migration', async () => {
    const { pool } = await singleConnectionPool();
    const clean = await connectionState(pool);
    const dir = await writeMigrations({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_bad.sql': 'SET search_path = nowhere;\nSELECT no_such_column FROM ok;',
    });
    const error = await new MigrationRunner({ pool, dir }).migrate().catch((e: unknown) => e);
    expect(isOgelError(error) && error.code).toBe('MIGRATION_FAILED');
    expect(await connectionState(pool)).toEqual(clean);
    const other = await new MigrationRunner({ pool, dir, lockWaitMs: 1000 }).status();
    expect(other.counts).toMatchObject({ applied: 1, pending: 1 });
  });

  it('never hands the pool a connection left changed by a failed no-transaction migration', async () => {
    const { pool } = await singleConnectionPool();
    const clean = await connectionState(pool);
    const dir = await writeMigrations({
      '001_bad.sql':
        "-- ogel:no-transaction\nSET search_path = nowhere;\nSET work_mem = '64kB';\nCREATE TEMP TABLE scratch (id int);\nSELECT no_such_column FROM scratch;",
    });
    const error = await new MigrationRunner({ pool, dir }).migrate().catch((e: unknown) => e);
    expect(isOgelError(error) && error.code).toBe('MIGRATION_FAILED');
    expect(await connectionState(pool)).toEqual(clean);
  });
});
