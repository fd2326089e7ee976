import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { createTestDatabase, query, withAdmin } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';
import { writeMigrations } from '../harness/migrations.js';

const files = {
  '001_projects.sql':
    'CREATE SCHEMA IF NOT EXISTS platform;\nCREATE TABLE platform.projects (id serial PRIMARY KEY, name text NOT NULL);',
  '001_projects.down.sql': 'DROP TABLE platform.projects;',
  '002_members.sql': 'CREATE TABLE platform.members (project_id int REFERENCES platform.projects, user_id uuid);',
};

describe('drift', () => {
  it('finds objects added, removed and changed by hand; clean databases have none', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    expect(await runner.drift()).toMatchObject({ drifted: false, differences: [] });
    await query(db.url, 'ALTER TABLE platform.projects ADD COLUMN notes text');
    await query(db.url, 'ALTER TABLE platform.projects ALTER COLUMN name DROP NOT NULL');
    await query(db.url, 'CREATE INDEX members_user_idx ON platform.members (user_id)');
    const report = await runner.drift();
    expect(report.drifted).toBe(true);
    const descriptions = report.differences.map((d) => d.description);
    expect(descriptions).toContain('column platform.projects.notes exists in the database but no migration creates it');
    expect(descriptions).toContain(
      'index platform.members_user_idx exists in the database but no migration creates it',
    );
    expect(
      descriptions.some((d) =>
        d.startsWith('column platform.projects.name: notNull is false in the database, true per the migrations'),
      ),
    ).toBe(true);
    const scratch = await withAdmin(
      async (c) =>
        (await c.query("SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'ogel_verify%'")).rows[0],
    );
    expect(scratch).toEqual({ n: 0 });
  });

  it('CLI drift exits 1 on drift, 0 without; diff compares two environments side by side', async () => {
    const dev = await createTestDatabase('dev');
    const staging = await createTestDatabase('stg');
    const dir = await writeMigrations(files);
    const root = await mkdtemp(join(tmpdir(), 'ogel-diff-'));
    await writeFile(
      join(root, 'ogel-migrate.config.json'),
      JSON.stringify({
        dir,
        environments: { dev: { databaseUrl: 'env:DEV' }, staging: { databaseUrl: 'env:STG', after: 'dev' } },
      }),
    );
    const cli = (args: string[]) => runCliProcess(args, { cwd: root, env: { DEV: dev.url, STG: staging.url } });
    await cli(['migrate', '--env', 'dev']);
    await cli(['migrate', '--env', 'staging', '--to', '001']);
    expect((await cli(['drift', '--env', 'dev'])).code).toBe(0);
    await query(staging.url, 'CREATE INDEX projects_name_idx ON platform.projects (name)');
    const drift = await cli(['drift', '--env', 'staging']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain(
      'index platform.projects_name_idx exists in the database but no migration creates it',
    );

    const diff = await cli(['diff', 'dev', 'staging']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/002_members\s+applied [0-9a-f]{8}\s+—/);
    expect(diff.stdout).toContain('- table platform.members  only in dev');
    expect(diff.stdout).toContain('+ index platform.projects_name_idx  only in staging');
    const json = JSON.parse((await cli(['diff', 'dev', staging.url, '--json'])).stdout);
    expect(json.migrations).toEqual([expect.objectContaining({ version: '002', reason: 'only-left' })]);
    expect(JSON.stringify(json)).not.toContain(':postgres@');
    expect((await cli(['diff', 'dev', 'dev'])).code).toBe(0);
  });
});
