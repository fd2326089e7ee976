import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupsToPrune, type BackupRecord } from '../../src/backups/catalog.js';
import { shouldBackupBeforeMigrate } from '../../src/backups/before-migrate.js';
import { checkToolVersion, parseToolMajor } from '../../src/backups/pg-tools.js';
import { createTestDatabase, query } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';
import { addMigration, writeMigrations } from '../harness/migrations.js';

async function project() {
  const db = await createTestDatabase();
  const dir = await writeMigrations({
    '001_keep.sql':
      "CREATE TABLE keep (id int PRIMARY KEY, note text);\nINSERT INTO keep SELECT g, 'row ' || g FROM generate_series(1, 500) g;",
  });
  const backupDir = await mkdtemp(join(tmpdir(), 'ogel-backups-'));
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCliProcess([...args, '--dir', dir, '--backup-dir', backupDir], { env: { DATABASE_URL: db.url, ...env } });
  return { db, dir, backupDir, cli };
}

const list = async (cli: (args: string[]) => Promise<{ stdout: string }>) =>
  JSON.parse((await cli(['backups', '--json'])).stdout) as BackupRecord[];

describe('backups', () => {
  it('a destructive migration is backed up automatically; restore brings the data back at the recorded version', async () => {
    const p = await project();
    expect((await p.cli(['migrate'])).code).toBe(0);
    await addMigration(p.dir, '002_drop_keep.sql', 'DROP TABLE keep;');
    const migrate = await p.cli(['migrate']);
    expect(migrate.code).toBe(0);
    expect(migrate.stderr).toMatch(/backup \S+ taken \(before migrate: destructive migration\)/);
    expect(await query(p.db.url, "SELECT to_regclass('keep') AS r")).toEqual([{ r: null }]);
    const [backup] = await list(p.cli);
    expect(backup).toMatchObject({
      version: '001',
      format: 'custom',
      checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const refused = await p.cli(['restore', backup!.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONFIRMATION_REQUIRED');
    const restored = await p.cli(['restore', backup!.id, '--yes', '--json']);
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ id: backup!.id, version: '001' });
    expect(await query(p.db.url, 'SELECT count(*)::int AS n, max(note) AS last FROM keep')).toEqual([
      { n: 500, last: 'row 99' },
    ]);
    const status = JSON.parse(
      (await runCliProcess(['status', '--json', '--dir', p.dir], { env: { DATABASE_URL: p.db.url } })).stdout,
    );
    expect(status.counts).toMatchObject({ applied: 1, pending: 1 });
    expect(
      await query(p.db.url, "SELECT event, outcome FROM platform.schema_migration_events WHERE event = 'restore'"),
    ).toEqual([{ event: 'restore', outcome: 'success' }]);
    expect((await list(p.cli)).map((b) => b.id)).toContain(backup!.id);
  });

  it('restores into another database; never prints or stores the password', async () => {
    const p = await project();
    await p.cli(['migrate']);
    const taken = await p.cli(['backup', '--json']);
    const id = JSON.parse(taken.stdout).id as string;
    const other = await createTestDatabase('restore');
    const restored = await p.cli(['restore', id, '--to-database', other.url]);
    expect(restored.code).toBe(0);
    expect(await query(other.url, 'SELECT count(*)::int AS n FROM keep')).toEqual([{ n: 500 }]);
    const everything =
      taken.stdout + taken.stderr + restored.stdout + restored.stderr + JSON.stringify(await list(p.cli));
    expect(everything).not.toContain(':postgres@');
    expect(JSON.stringify(await query(p.db.url, 'SELECT * FROM platform.schema_migration_backups'))).not.toContain(
      ':postgres@',
    );
  });

  it('a corrupted backup file is refused and the database is left untouched', async () => {
    const p = await project();
    await p.cli(['migrate']);
    const { id, path } = JSON.parse((await p.cli(['backup', '--json'])).stdout);
    const bytes = await readFile(path);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    await writeFile(path, bytes);
    await query(p.db.url, "INSERT INTO keep VALUES (9999, 'after the backup')");
    const result = await p.cli(['restore', id, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RESTORE_FAILED');
    expect(result.stderr).toContain('corrupted (checksum mismatch)');
    expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM keep')).toEqual([{ n: 501 }]);
  });

  it('retention keeps the newest N and drops those older than D days, files included', async () => {
    const p = await project();
    await p.cli(['migrate']);
    for (let i = 0; i < 3; i++) expect((await p.cli(['backup'])).code).toBe(0);
    const kept = await p.cli(['backup', '--keep', '2', '--json']);
    expect(JSON.parse(kept.stdout).pruned).toHaveLength(2);
    const remaining = await list(p.cli);
    expect(remaining).toHaveLength(2);
    await query(p.db.url, "UPDATE platform.schema_migration_backups SET created_at = now() - interval '10 days'");
    const aged = JSON.parse((await p.cli(['backup', '--keep-days', '7', '--json'])).stdout);
    expect(aged.pruned.sort()).toEqual(remaining.map((b) => b.id).sort());
    expect(await list(p.cli)).toHaveLength(1);
    await expect(readFile(remaining[0]!.path)).rejects.toThrow();
  });

  it('a pg_dump older than the server is refused with the package to install', async () => {
    const p = await project();
    const bin = await mkdtemp(join(tmpdir(), 'ogel-fakebin-'));
    await writeFile(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n');
    await chmod(join(bin, 'pg_dump'), 0o755);
    const result = await p.cli(['backup'], { OGEL_MIGRATE_PG_BIN_DIR: bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TOOL_VERSION_MISMATCH');
    expect(result.stderr).toMatch(
      /pg_dump is version 9\.6 but the server is PostgreSQL 1\d: .*Install postgresql-client-1\d/,
    );
  });
});

describe('backup rules (pure)', () => {
  it('reads tool versions and compares majors', () => {
    expect(parseToolMajor('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toBe(15);
    expect(parseToolMajor('pg_dump (PostgreSQL) 9.6.24')).toBe(9.6);
    expect(parseToolMajor('nonsense')).toBeNull();
    expect(() => checkToolVersion('pg_dump', 15, 170002)).toThrow(/postgresql-client-17/);
    expect(() => checkToolVersion('pg_dump', 17, 150004)).not.toThrow();
    expect(() => checkToolVersion('pg_dump', null, 150004)).toThrow(/Could not read/);
  });
  it('decides automatic backups and retention', () => {
    expect(shouldBackupBeforeMigrate('never', { protectedEnv: true, destructive: false, pending: 1 })).toBe(true);
    expect(shouldBackupBeforeMigrate('destructive', { protectedEnv: false, destructive: true, pending: 1 })).toBe(true);
    expect(shouldBackupBeforeMigrate('destructive', { protectedEnv: false, destructive: false, pending: 3 })).toBe(
      false,
    );
    expect(shouldBackupBeforeMigrate('always', { protectedEnv: false, destructive: false, pending: 0 })).toBe(false);
    const at = (days: number, id: string) =>
      ({ id, createdAt: new Date(Date.UTC(2026, 0, 30) - days * 86_400_000).toISOString() }) as BackupRecord;
    const records = [at(0, 'a'), at(1, 'b'), at(5, 'c'), at(20, 'd')];
    expect(backupsToPrune(records, 2, undefined, new Date(Date.UTC(2026, 0, 30))).map((r) => r.id)).toEqual(['c', 'd']);
    expect(backupsToPrune(records, undefined, 3, new Date(Date.UTC(2026, 0, 30))).map((r) => r.id)).toEqual(['c', 'd']);
  });
});

describe('backups over HTTP', () => {
  it('GET /backups, POST /backups (admin), POST /backups/{id}/restore needs confirm', async () => {
    const { startTestServer, READ } = await import('../harness/server.js');
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_keep.sql': 'CREATE TABLE keep (id int);\nINSERT INTO keep VALUES (1), (2);',
    });
    const backupDir = await mkdtemp(join(tmpdir(), 'ogel-http-backups-'));
    const server = await startTestServer({ databaseUrl: db.url, dir }, { backupDir });
    try {
      await server.fetch('/migrate', { method: 'POST', body: '{}' });
      expect((await server.fetch('/backups', { method: 'POST', body: '{}', token: READ })).status).toBe(403);
      const created = await (await server.fetch('/backups', { method: 'POST', body: '{}' })).json();
      expect(created).toMatchObject({ version: '001', format: 'custom' });
      const listed = await (await server.fetch('/backups', { token: READ })).json();
      expect(listed.backups.map((b: { id: string }) => b.id)).toEqual([created.id]);
      await query(db.url, 'DELETE FROM keep');
      // Restoring replaces the database: the request must name the environment and the restore plan's id.
      const unconfirmed = await server.fetch(`/backups/${created.id}/restore`, { method: 'POST', body: '{}' });
      expect(unconfirmed.status).toBe(428);
      const { error } = await unconfirmed.json();
      expect(error.code).toBe('CONFIRMATION_REQUIRED');
      const plan = await (await server.fetch(`/plan?operation=restore&backup=${created.id}`)).json();
      expect(plan.planId).toBe(error.details.planId);
      expect(
        (await server.fetch('/backups/..%2Fetc/restore', { method: 'POST', body: '{"confirm":"default"}' })).status,
      ).toBe(400);
      expect(
        (await server.fetch('/backups/nope/restore', { method: 'POST', body: '{"confirm":"default"}' })).status,
      ).toBe(404);
      const restored = await server.fetch(`/backups/${created.id}/restore`, {
        method: 'POST',
        body: JSON.stringify({ confirm: 'default', plan: plan.planId }),
      });
      expect(restored.status).toBe(200);
      expect(await query(db.url, 'SELECT count(*)::int AS n FROM keep')).toEqual([{ n: 2 }]);
    } finally {
      await server.shutdown();
    }
  });
});

describe('a failed automatic backup', () => {
  it('stops the migration before anything runs', async () => {
    const p = await project();
    await p.cli(['migrate']);
    await addMigration(p.dir, '002_drop_keep.sql', 'DROP TABLE keep;');
    const bin = await mkdtemp(join(tmpdir(), 'ogel-failbin-'));
    await writeFile(
      join(bin, 'pg_dump'),
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.0"; exit 0; fi\necho "pg_dump: error: disk full" >&2\nexit 1\n',
    );
    await chmod(join(bin, 'pg_dump'), 0o755);
    const result = await p.cli(['migrate'], { OGEL_MIGRATE_PG_BIN_DIR: bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[BACKUP_FAILED]');
    expect(result.stderr).toContain('disk full');
    expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM keep')).toEqual([{ n: 500 }]);
    expect(
      await query(p.db.url, "SELECT count(*)::int AS n FROM platform.schema_migrations WHERE version = '002'"),
    ).toEqual([{ n: 0 }]);
    expect(
      await query(p.db.url, "SELECT outcome FROM platform.schema_migration_events WHERE event = 'backup'"),
    ).toEqual([{ outcome: 'failure' }]);
  });
});
