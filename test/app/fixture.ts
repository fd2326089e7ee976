import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openTarget, type Target } from '../../src/app/target.js';
import type { LoadedConfig } from '../../src/config/load.js';
import type { OgelConfig } from '../../src/config/schema.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { rm } from 'node:fs/promises';

/** A token limited to staging, as a CI job that deploys staging only would hold. */
export const CI_STAGING_TOKEN = 'ci-staging-token-for-tests';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * The config `init` writes — staging after dev, prod after staging and protected — on three real databases,
 * with prod's own lock settings and a token scoped to staging. Written as a config file too, for the CLI.
 */
export async function environmentsProject() {
  const [dev, staging, prod] = await Promise.all([
    createTestDatabase('dev'),
    createTestDatabase('stg'),
    createTestDatabase('prd'),
  ]);
  const dir = await writeMigrations({
    '001_a.sql': 'CREATE TABLE a (id int);',
    '001_a.down.sql': 'DROP TABLE a;',
    '002_b.sql': 'CREATE TABLE b (id int);',
    '002_b.down.sql': 'DROP TABLE b;',
  });
  const root = await mkdtemp(join(tmpdir(), 'ogel-guarded-'));
  const backupDir = join(root, 'backups');
  made.push(root);
  const config: OgelConfig = {
    dir,
    backupDir,
    environments: {
      dev: { databaseUrl: 'env:DEV_URL' },
      staging: { databaseUrl: 'env:STAGING_URL', after: 'dev' },
      prod: { databaseUrl: 'env:PROD_URL', after: 'staging', protected: true, lockTimeoutMs: 2222, lockWaitMs: 3333 },
    },
    tokens: { 'ci-staging': { token: 'env:CI_STAGING_TOKEN', role: 'admin', environments: ['staging'] } },
  };
  await writeFile(join(root, 'ogel-migrate.config.json'), JSON.stringify(config));
  const env = { DEV_URL: dev.url, STAGING_URL: staging.url, PROD_URL: prod.url, CI_STAGING_TOKEN };
  const loaded: LoadedConfig = { config, file: join(root, 'ogel-migrate.config.json'), baseDir: root };
  const target = (name: string): Target =>
    openTarget(loaded, name, {}, { env, cwd: root, clientName: 'library', database: 'required' });
  const urls = { dev: dev.url, staging: staging.url, prod: prod.url };
  return {
    root,
    dir,
    config,
    env,
    urls,
    target,
    backupDir,
    /** Versions recorded as applied in one environment (empty when it has no tracking table yet). */
    applied: async (name: keyof typeof urls) => {
      const [exists] = await query<{ r: string | null }>(
        urls[name],
        "SELECT to_regclass('platform.schema_migrations')::text AS r",
      );
      if (!exists?.r) return [];
      const rows = await query<{ version: string }>(
        urls[name],
        "SELECT version FROM platform.schema_migrations WHERE status = 'applied' ORDER BY version",
      );
      return rows.map((r) => r.version);
    },
    events: (name: keyof typeof urls, event: string) =>
      query<{ actor: string; details: Record<string, unknown> }>(
        urls[name],
        'SELECT actor, details FROM platform.schema_migration_events WHERE event = $1 ORDER BY id',
        [event],
      ),
    backups: async () => (await readdir(backupDir).catch(() => [])).filter((f) => f.endsWith('.dump')),
  };
}

export type EnvironmentsProject = Awaited<ReturnType<typeof environmentsProject>>;
