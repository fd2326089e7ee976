import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { MigrationRunner, isOgelError } from '../../src/index.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { startLocalPostgres, type RunningPostgres } from '../../src/db/local-server.js';

const files = {
  '001_a.sql': 'CREATE TABLE a (id int);',
  '002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\nINSERT INTO slow VALUES (1);',
  '003_c.sql': 'CREATE TABLE c (id int);',
};

async function waitFor(url: string, sql: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await query(url, sql).catch(() => [])).length > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw: ${sql}`);
}

describe('connection loss', () => {
  it('pg_terminate_backend mid-migration: clear error, nothing half-applied, lock free, retry works', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const run = runner.migrate().catch((e: unknown) => e);
    // The migration's whole transaction is one message: wait until it is the one running.
    await waitFor(
      db.url,
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%SELECT pg_sleep(3)%' AND state = 'active' AND application_name LIKE 'ogel-migrate%'",
    );
    await query(
      db.url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'ogel-migrate%' AND pid <> pg_backend_pid()",
    );
    const error = await run;
    // The connection failed, not the migration: DB_CONNECTION (HTTP 503), naming the file that was running.
    expect(isOgelError(error, 'DB_CONNECTION')).toBe(true);
    expect((error as Error).message).toMatch(
      /^002_slow\.sql: lost the connection to the database while this migration ran \((terminating connection due to administrator command|Connection terminated.*)\)/,
    );
    expect(await query(db.url, "SELECT to_regclass('slow') AS r")).toEqual([{ r: null }]);
    expect(await query(db.url, 'SELECT version FROM platform.schema_migrations ORDER BY 1')).toEqual([
      { version: '001' },
    ]);
    expect(await runner.lockHolder()).toBeNull();
    const retry = await runner.migrate();
    expect(retry.applied.map((a) => a.version)).toEqual(['002', '003']);
    expect(await query(db.url, 'SELECT id FROM slow')).toEqual([{ id: 1 }]);
  });

  describe('server restart mid-run', () => {
    let server: RunningPostgres;
    // A private server of the same kind as the project's, since this one is restarted.
    beforeAll(async () => {
      server = await startLocalPostgres(inject('pgBinDir'));
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('fails clearly, keeps the last good version, and the next run completes', async () => {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query('CREATE DATABASE restart_test');
      await admin.end();
      const url = server.urlFor('restart_test');
      const dir = await writeMigrations(files);
      const runner = new MigrationRunner({ databaseUrl: url, dir });
      const run = runner.migrate().catch((e: unknown) => e);
      await waitFor(
        url,
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%SELECT pg_sleep(3)%' AND state = 'active' AND pid <> pg_backend_pid()",
      );
      await server.restart();
      const error = await run;
      expect(isOgelError(error)).toBe(true);
      expect((error as Error).message).toContain('002_slow.sql');
      expect(await query(url, "SELECT to_regclass('slow') AS r")).toEqual([{ r: null }]);
      expect(await query(url, 'SELECT version FROM platform.schema_migrations ORDER BY 1')).toEqual([
        { version: '001' },
      ]);
      const retry = await runner.migrate();
      expect(retry.applied.map((a) => a.version)).toEqual(['002', '003']);
    });
  });
});
