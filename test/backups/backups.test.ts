import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../src/backups/service.js';
import { checkToolVersion, parseToolMajor } from '../../src/backups/pg-tools.js';
import { createTestDatabase, query, withAdmin, withClient } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';
import { addMigration, tempDir, writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer, pgDumpMajor } from '../harness/pg-tools.js';

/** Tests that take real dumps run where the system's pg_dump can dump the server (see pgDumpCoversServer). */
const dumping = it.skipIf(!pgDumpCoversServer());

/**
 * A database as OgelBase has them: schemas owned by a role that is not the one restoring, `public` narrowed to
 * one reader, rows in both. `reader` is the non-owner whose reads must work the same after a restore.
 */
async function project(rows = 500) {
  const db = await createTestDatabase();
  const tag = randomBytes(3).toString('hex');
  const owner = `owner_${tag}`;
  const reader = `reader_${tag}`;
  await withAdmin((c) => c.query(`CREATE ROLE ${owner}; CREATE ROLE ${reader}`));
  const dir = await writeMigrations({
    '001_keep.sql': `ALTER SCHEMA public OWNER TO ${owner};
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ${reader};
CREATE TABLE public.keep (id int PRIMARY KEY, note text);
INSERT INTO public.keep SELECT g, 'row ' || g FROM generate_series(1, ${rows}) g;
ALTER TABLE public.keep OWNER TO ${owner};
GRANT SELECT ON public.keep TO ${reader};
CREATE SCHEMA app AUTHORIZATION ${owner};
GRANT USAGE ON SCHEMA app TO ${reader};
CREATE TABLE app.things (id int);
INSERT INTO app.things VALUES (1), (2), (3);
ALTER TABLE app.things OWNER TO ${owner};
GRANT SELECT ON app.things TO ${reader};`,
    '001_keep.down.sql': 'DROP SCHEMA app CASCADE; DROP TABLE public.keep;',
  });
  const backupDir = join(await tempDir('ogel-backups-'), 'store');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCliProcess([...args, '--dir', dir, '--backup-dir', backupDir], { env: { DATABASE_URL: db.url, ...env } });
  return { db, dir, backupDir, cli, owner, reader };
}

const list = async (cli: (args: string[]) => Promise<{ stdout: string }>) =>
  (JSON.parse((await cli(['backups', '--json'])).stdout) as { backups: BackupRecord[] }).backups;

/** Owner and privileges of every schema but the system ones, and what the reader role can read. */
async function access(url: string, reader: string) {
  const schemas = await query(
    url,
    `SELECT nspname, pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
  );
  const reads = await withClient(url, async (client) => {
    await client.query(`SET ROLE ${reader}`);
    const keep = await client.query('SELECT count(*)::int AS n FROM public.keep');
    const things = await client.query('SELECT count(*)::int AS n FROM app.things');
    return { keep: keep.rows[0].n, things: things.rows[0].n };
  });
  return { schemas, reads };
}

async function leftoverDatabases(): Promise<string[]> {
  return (
    await withAdmin((c) =>
      c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE '%\\_\\_ogel\\_%'"),
    )
  ).rows.map((r) => r.datname);
}

describe('backups survive losing the database', () => {
  dumping(
    'backup → DROP DATABASE → backups lists it → restore --to-database: rows, privileges and history back',
    async () => {
      const p = await project();
      expect((await p.cli(['migrate'])).code).toBe(0);
      // Database-level privileges and settings, which a dump restored into a new database would otherwise lose.
      await withAdmin((c) =>
        c.query(
          `REVOKE CONNECT, TEMPORARY ON DATABASE ${p.db.name} FROM PUBLIC; GRANT CONNECT ON DATABASE ${p.db.name} TO ${p.reader};
         ALTER DATABASE ${p.db.name} SET search_path = app, public; ALTER ROLE ${p.reader} IN DATABASE ${p.db.name} SET work_mem = '8MB'`,
        ),
      );
      const databaseProps = () =>
        withAdmin(async (c) => ({
          acl: (await c.query('SELECT datacl::text AS acl FROM pg_database WHERE datname = $1', [p.db.name])).rows,
          settings: (
            await c.query(
              `SELECT setrole::regrole::text AS role, setconfig::text AS config FROM pg_db_role_setting s
               JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 ORDER BY 1`,
              [p.db.name],
            )
          ).rows,
        }));
      const propsBefore = await databaseProps();
      expect(propsBefore.settings).toHaveLength(2);
      const before = await access(p.db.url, p.reader);
      expect(before.reads).toEqual({ keep: 500, things: 3 });
      const taken = await p.cli(['backup', '--json']);
      expect(taken.code).toBe(0);
      const backup = JSON.parse(taken.stdout) as BackupRecord;
      expect(backup).toMatchObject({
        version: '001',
        format: 'custom',
        checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      // Dumps and manifests 0600, the store folder 0700.
      expect((await stat(p.backupDir)).mode & 0o777).toBe(0o700);
      expect((await stat(backup.path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(p.backupDir, `${backup.id}.manifest.json`))).mode & 0o777).toBe(0o600);
      const manifest = JSON.parse(await readFile(join(p.backupDir, `${backup.id}.manifest.json`), 'utf8'));
      expect(manifest).toMatchObject({
        id: backup.id,
        reason: 'manual',
        database: { name: p.db.name, owner: 'postgres', encoding: 'UTF8' },
        serverVersion: expect.stringMatching(/^\d+\.\d+/),
        pgDumpVersion: expect.stringMatching(/^pg_dump \(PostgreSQL\) \d+/),
        tracking: {
          version: '001',
          applied: [{ version: '001', name: 'keep', status: 'applied' }],
          lastEvent: { id: 1 },
        },
        dump: { sizeBytes: backup.sizeBytes, objects: expect.any(Number) },
      });
      // What the dump holds: the log up to the backup (its own event is recorded after the dump, and goes with
      // the database).
      const history = await query(
        p.db.url,
        `SELECT id, event, version FROM platform.schema_migration_events WHERE id <= ${manifest.tracking.lastEvent.id} ORDER BY id`,
      );

      await withAdmin((c) => c.query(`DROP DATABASE ${p.db.name} WITH (FORCE)`));
      const listed = await p.cli(['backups']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(backup.id);
      expect(listed.stdout).toContain('version 001');
      // On a recovery machine that knows only the store: no database URL at all, every backup listed.
      const bare = await runCliProcess(['backups', '--json', '--backup-dir', p.backupDir]);
      expect(bare.code).toBe(0);
      expect(JSON.parse(bare.stdout).backups.map((b: { id: string }) => b.id)).toEqual([backup.id]);

      // A template (what every CREATE DATABASE copies) is never a target; an empty name is no name.
      for (const [target, message] of [
        ['template1', 'is a template database'],
        ['', 'is neither a database name'],
      ] as const) {
        const refused = await p.cli(['restore', backup.id, '--to-database', target, '--yes', '--json']);
        expect(refused.code, target).toBe(2);
        expect(JSON.parse(refused.stdout).error.message).toContain(message);
      }

      // A role that may not create databases: told what it needs, not an internal error.
      await withAdmin((c) => c.query(`ALTER ROLE ${p.reader} LOGIN PASSWORD 'reader'`));
      const asReader = new URL(p.db.url);
      asReader.username = p.reader;
      asReader.password = 'reader';
      asReader.pathname = '/readercopy';
      const denied = await p.cli(['restore', backup.id, '--to-database', asReader.href, '--json']);
      expect(JSON.parse(denied.stdout).error).toMatchObject({
        code: 'INSUFFICIENT_PRIVILEGE',
        message: expect.stringContaining('give the role CREATEDB'),
      });

      const restored = await p.cli(['restore', backup.id, '--to-database', p.db.name, '--json']);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({
        id: backup.id,
        version: '001',
        replaced: false,
        rtoMs: expect.any(Number),
      });
      expect(await access(p.db.url, p.reader)).toEqual(before);
      expect(await databaseProps()).toEqual(propsBefore);
      expect(await query(p.db.url, 'SELECT count(*)::int AS n, max(note) AS last FROM keep')).toEqual([
        { n: 500, last: 'row 99' },
      ]);
      const after = await query(
        p.db.url,
        'SELECT id, event, version FROM platform.schema_migration_events ORDER BY id',
      );
      expect(after.slice(0, history.length)).toEqual(history);
      expect(after.slice(history.length)).toEqual([
        { id: String(history.length + 1), event: 'restore', version: '001' },
      ]);
      const status = JSON.parse(
        (await runCliProcess(['status', '--json', '--dir', p.dir], { env: { DATABASE_URL: p.db.url } })).stdout,
      );
      expect(status.counts).toMatchObject({ applied: 1, pending: 0 });
      expect(await leftoverDatabases()).toEqual([]);
    },
  );

  dumping(
    'restore over the live database keeps the events recorded after the backup, ends other sessions and says so',
    async () => {
      const p = await project();
      await p.cli(['migrate']);
      const { id } = JSON.parse((await p.cli(['backup', '--json'])).stdout);
      await addMigration(p.dir, '002_more.sql', 'CREATE TABLE more (id int);');
      expect((await p.cli(['migrate'])).code).toBe(0);
      const eventsBefore = await query<{ id: string; event: string; version: string | null }>(
        p.db.url,
        'SELECT id, event, version FROM platform.schema_migration_events ORDER BY id',
      );
      expect(eventsBefore.map((e) => e.event)).toEqual(['apply', 'backup', 'apply']);

      // Ids taken but never committed (a rolled-back insert) are used too: the restored log must not hand them out.
      const [sequence] = await query<{ taken: string }>(
        p.db.url,
        "SELECT max(nextval(pg_get_serial_sequence('platform.schema_migration_events', 'id'))) AS taken FROM generate_series(1, 5)",
      );
      const refused = await p.cli(['restore', id]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('CONFIRMATION_REQUIRED');

      const bystander = await withClient(p.db.url, async () => undefined).then(() => null);
      void bystander;
      const { Client } = (await import('pg')).default;
      const idle = new Client({ connectionString: p.db.url, application_name: 'dashboard-pool' });
      idle.on('error', () => {});
      await idle.connect();
      const restored = await p.cli(['restore', id, '--yes']);
      expect(restored.code).toBe(0);
      expect(restored.stderr).toMatch(/ended 1 other connection\(s\) to .*: pid \d+ postgres \(dashboard-pool\)/);
      expect(restored.stdout).toMatch(/Restored \S+ into .*: version 001, 2 later event\(s\) kept/);
      await expect(idle.query('SELECT 1')).rejects.toThrow();
      await idle.end().catch(() => {});

      expect(await query(p.db.url, "SELECT to_regclass('more') AS r")).toEqual([{ r: null }]);
      const eventsAfter = await query<{ id: string; event: string; version: string | null; name: string | null }>(
        p.db.url,
        'SELECT id, event, version, name FROM platform.schema_migration_events ORDER BY id',
      );
      // Every event is still there with its id, and the restore comes after them with a new one.
      expect(eventsAfter.map(({ id, event, version }) => ({ id, event, version }))).toEqual([
        ...eventsBefore,
        { id: String(Number(sequence!.taken) + 1), event: 'restore', version: '001' },
      ]);
      expect(eventsAfter.at(-1)!.name).toBe('keep');
      const history = await runCliProcess(['history', '--dir', p.dir], { env: { DATABASE_URL: p.db.url } });
      expect(history.stdout).toMatch(/#\d+ \S+ restore 001_keep success/);
      expect(history.stdout).not.toContain('_null');
      // The next event gets a fresh id as well.
      await p.cli(['migrate']);
      const ids = (
        await query<{ id: string }>(p.db.url, 'SELECT id FROM platform.schema_migration_events ORDER BY id')
      ).map((r) => Number(r.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(await leftoverDatabases()).toEqual([]);
    },
  );

  dumping('a corrupt or truncated dump is refused before anything is created or dropped', async () => {
    const p = await project();
    await p.cli(['migrate']);
    const { id, path, sizeBytes } = JSON.parse((await p.cli(['backup', '--json'])).stdout);
    const original = await readFile(path);
    await query(p.db.url, "INSERT INTO keep VALUES (9999, 'after the backup')");

    const flipped = Buffer.from(original);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = flipped[middle]! ^ 0xff;
    await writeFile(path, flipped);
    const corrupt = await p.cli(['restore', id, '--yes']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('RESTORE_FAILED');
    expect(corrupt.stderr).toContain('corrupted (checksum mismatch');
    expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM keep')).toEqual([{ n: 501 }]);

    await writeFile(path, original);
    await truncate(path, sizeBytes - 100);
    const truncated = await p.cli(['restore', id, '--yes']);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain(
      `is truncated: ${sizeBytes - 100} bytes in the store, ${sizeBytes} in its manifest`,
    );
    expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM keep')).toEqual([{ n: 501 }]);
    expect(await leftoverDatabases()).toEqual([]);
  });

  it('an unknown store scheme is an error, never a folder', async () => {
    const p = await project();
    const cwd = await tempDir('ogel-scheme-');
    for (const store of ['gs://bucket/x', 's3:/bucket/x']) {
      const result = await runCliProcess(['backups', '--dir', p.dir, '--backup-dir', store], {
        env: { DATABASE_URL: p.db.url },
        cwd,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Unknown backup store "${store}"`);
    }
    expect(existsSync(join(cwd, 'gs:'))).toBe(false);
    expect(existsSync(join(cwd, 's3:'))).toBe(false);
  });

  dumping('retention keeps the newest N and drops those older than D days, in the store', async () => {
    const p = await project();
    await p.cli(['migrate']);
    for (let i = 0; i < 3; i++) expect((await p.cli(['backup'])).code).toBe(0);
    const kept = await p.cli(['backup', '--keep', '2', '--json']);
    expect(JSON.parse(kept.stdout).pruned).toHaveLength(2);
    const remaining = await list(p.cli);
    expect(remaining).toHaveLength(2);
    // Age the remaining two by rewriting their manifests' dates, the way the store records them.
    for (const b of remaining) {
      const file = join(p.backupDir, `${b.id}.manifest.json`);
      const m = JSON.parse(await readFile(file, 'utf8'));
      m.createdAt = new Date(Date.now() - 10 * 86_400_000).toISOString();
      await writeFile(file, JSON.stringify(m));
    }
    const aged = JSON.parse((await p.cli(['backup', '--keep-days', '7', '--json'])).stdout);
    expect(aged.pruned.sort()).toEqual(remaining.map((b) => b.id).sort());
    expect(await list(p.cli)).toHaveLength(1);
    expect(existsSync(remaining[0]!.path)).toBe(false);
  });

  it('a pg_dump older than the server is refused with the package to install', async () => {
    const p = await project();
    const bin = await tempDir('ogel-fakebin-');
    await writeFile(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n');
    await chmod(join(bin, 'pg_dump'), 0o755);
    const result = await p.cli(['backup'], { OGEL_MIGRATE_PG_BIN_DIR: bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TOOL_VERSION_MISMATCH');
    expect(result.stderr).toMatch(
      /pg_dump is version 9\.6 but the server is PostgreSQL 1\d: .*Install postgresql-client-1\d/,
    );
  });

  it.runIf(!pgDumpCoversServer())(
    'the system pg_dump, older than this server, is refused with both versions',
    async () => {
      const p = await project();
      const result = await p.cli(['backup']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('TOOL_VERSION_MISMATCH');
      expect(result.stderr).toContain(`pg_dump is version ${pgDumpMajor()}`);
    },
  );
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
});

describe('backups over HTTP', () => {
  dumping('GET /backups, POST /backups (admin), POST /backups/{id}/restore needs confirm', async () => {
    const { startTestServer, READ } = await import('../harness/server.js');
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_keep.sql': 'CREATE TABLE keep (id int);\nINSERT INTO keep VALUES (1), (2);',
    });
    const backupDir = await tempDir('ogel-http-backups-');
    const server = await startTestServer({ databaseUrl: db.url, dir }, { backupDir });
    try {
      await server.fetch('/migrate', { method: 'POST', body: '{}' });
      expect((await server.fetch('/backups', { method: 'POST', body: '{}', token: READ })).status).toBe(403);
      const created = await (await server.fetch('/backups', { method: 'POST', body: '{}' })).json();
      expect(created).toMatchObject({ version: '001', format: 'custom' });
      // Taken for a token: recorded as that token's, as a run is.
      expect(created.createdBy).toMatch(/^token admin via /);
      const listed = await (await server.fetch('/backups', { token: READ })).json();
      expect(listed.backups.map((b: { id: string }) => b.id)).toEqual([created.id]);
      await query(db.url, 'DELETE FROM keep');
      // Restoring replaces the database: the request must name the environment and the restore plan's id.
      const unconfirmed = await server.fetch(`/backups/${created.id}/restore`, { method: 'POST', body: '{}' });
      expect(unconfirmed.status).toBe(428);
      const { error } = await unconfirmed.json();
      expect(error.code).toBe('CONFIRMATION_REQUIRED');
      // Unprotected: the restore is what needs the confirmation, and the message says so.
      expect(error.message).toMatch(/^Restoring replaces the database of default: plan plan_\w+ \(restore /);
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
    const bin = await tempDir('ogel-failbin-');
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

  dumping('a destructive migration is backed up automatically, under its own lock', async () => {
    const p = await project();
    await p.cli(['migrate']);
    await addMigration(p.dir, '002_drop_keep.sql', 'DROP TABLE keep;');
    const migrate = await p.cli(['migrate']);
    expect(migrate.code).toBe(0);
    expect(migrate.stderr).toMatch(/backup \S+ taken \(before migrate: destructive migration\)/);
    const [backup] = await list(p.cli);
    expect(backup).toMatchObject({ version: '001', reason: 'before migrate: destructive migration' });
  });
});

describe('restore progress', () => {
  dumping('is on the runner event stream (what GET /events carries): phases, bytes to the end, objects', async () => {
    const { BackupService } = await import('../../src/backups/service.js');
    const { MigrationRunner } = await import('../../src/runner/runner.js');
    const p = await project();
    const runner = new MigrationRunner({ databaseUrl: p.db.url, dir: p.dir });
    await runner.migrate();
    const service = new BackupService({ runner, databaseUrl: p.db.url, backupDir: p.backupDir });
    const backup = await service.create();
    const seen: Array<{
      phase: string;
      bytes: number;
      totalBytes: number;
      objects: number;
      totalObjects: number | null;
    }> = [];
    const off = runner.events.onAny((event, payload) => {
      if (event === 'restore:progress') seen.push(payload as (typeof seen)[number]);
    });
    const result = await service.restore(backup.id, { toDatabase: `${p.db.name}_progress` });
    // In parallel, pg_restore reads the store's file itself; the bytes are hashed beside it all the same.
    const parallel = await service.restore(backup.id, { toDatabase: `${p.db.name}_parallel`, jobs: 2 });
    expect(parallel).toMatchObject({ replaced: false, version: '001' });
    expect(await access(p.db.url.replace(/\/([^/]+)$/, '/$1_parallel'), p.reader)).toEqual(
      await access(p.db.url, p.reader),
    );
    off();
    expect([...new Set(seen.map((e) => e.phase))]).toEqual([
      'checking',
      'creating',
      'restoring',
      'verifying',
      'switching',
      'done',
    ]);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ bytes: backup.sizeBytes, totalBytes: backup.sizeBytes });
    expect(last.objects).toBeGreaterThan(5);
    expect(last.objects).toBeLessThanOrEqual(last.totalObjects!);
    expect(result).toMatchObject({ replaced: false, version: '001' });
  });
});

describe('the version a backup records', () => {
  dumping('is the highest versioned migration: an applied repeatable (R_views.sql) is not a version', async () => {
    const { BackupService } = await import('../../src/backups/service.js');
    const { MigrationRunner } = await import('../../src/runner/runner.js');
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_items.sql': 'CREATE TABLE items (id int);',
      'R_views.sql': 'CREATE OR REPLACE VIEW item_ids AS SELECT id FROM items;',
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    const service = new BackupService({ runner, databaseUrl: db.url, backupDir: await tempDir('ogel-r-backups-') });
    const backup = await service.create();
    expect(backup.version).toBe('001');
    // The restore checks the copy's version against the manifest's the same way.
    expect(await service.restore(backup.id, { toDatabase: `${db.name}_r` })).toMatchObject({ version: '001' });
  });
});
