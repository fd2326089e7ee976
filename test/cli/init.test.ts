import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';

const tables = (url: string) =>
  query<{ t: string | null; e: string | null }>(
    url,
    "SELECT to_regclass('platform.schema_migrations')::text AS t, to_regclass('platform.schema_migration_events')::text AS e",
  );

describe('init with a database', () => {
  it('runner.init() creates the tracking tables and says where they are', async () => {
    const db = await createTestDatabase();
    const runner = new MigrationRunner({ databaseUrl: db.url, dir: 'unused' });
    const ends: unknown[] = [];
    runner.events.on('run:end', (e) => ends.push(e));
    await expect(runner.init()).resolves.toEqual({
      table: 'platform.schema_migrations',
      eventsTable: 'platform.schema_migration_events',
    });
    expect(await tables(db.url)).toEqual([{ t: 'platform.schema_migrations', e: 'platform.schema_migration_events' }]);
    expect(ends).toEqual([expect.objectContaining({ operation: 'init', outcome: 'success', count: 0 })]);
    // A second time changes nothing and still succeeds.
    await expect(runner.init()).resolves.toMatchObject({ table: 'platform.schema_migrations' });
  });

  it('`ogel-migrate init` exits 0, writes the config and the directory, and creates the tables', async () => {
    const db = await createTestDatabase();
    const root = await mkdtemp(join(tmpdir(), 'ogel-init-db-'));
    const result = await runCliProcess(['init'], { cwd: root, env: { DATABASE_URL: db.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`config: ${join(root, 'ogel-migrate.config.mjs')}`);
    expect(result.stdout).toContain(
      'tracking tables ready: platform.schema_migrations, platform.schema_migration_events',
    );
    expect(await tables(db.url)).toEqual([{ t: 'platform.schema_migrations', e: 'platform.schema_migration_events' }]);
    const json = await runCliProcess(['init', '--skip-config', '--json', '--database-url', db.url], { cwd: root });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ table: 'platform.schema_migrations' });
  });
});
