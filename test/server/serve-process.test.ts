import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LOCK_CLASS, lockObjectId } from '../../src/db/advisory-lock.js';
import { BUN } from '../harness/cli.js';
import { serve } from '../harness/serve-process.js';
import { createTestDatabase, likeExactly, query, whenRunning } from '../harness/db.js';
import { tempDir, writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

const TOKEN = 'serve-process-test-token';

describe('ogel-migrate serve (process)', () => {
  it('SIGTERM mid-run: the running migration finishes, the next never starts, the caller hears so, exit 0', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1);\nINSERT INTO slow VALUES (1);',
      '002_next.sql': 'CREATE TABLE next (id int);',
    });
    const server = await serve(['--dir', dir, '--database-url', db.url], { OGEL_MIGRATE_TOKEN: TOKEN });
    const run = fetch(`${server.url}/migrate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    await whenRunning({ databaseLike: likeExactly(db.name), queryLike: '%pg_sleep(1)%' }, 10_000);
    server.child.kill('SIGTERM');
    const response = await run;
    // A redeploy is not held up by the rest of the run: 002 waits for the next one (which knows where 001 is).
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatchObject({ code: 'INTERRUPTED', details: { completed: 1 } });
    expect(await server.exit).toBe(0);
    expect(await query(db.url, 'SELECT version FROM platform.schema_migrations ORDER BY 1')).toEqual([
      { version: '001' },
    ]);
    expect(await query(db.url, 'SELECT id FROM slow')).toEqual([{ id: 1 }]);
    expect(await query(db.url, "SELECT to_regclass('next') AS r")).toEqual([{ r: null }]);
  });

  it.skipIf(!pgDumpCoversServer())(
    'SIGTERM while POST /backups dumps: the backup stops (503 INTERRUPTED), nothing is kept, the process exits 0',
    async () => {
      const db = await createTestDatabase();
      const dir = await writeMigrations({
        '001_rows.sql':
          'CREATE TABLE rows (id int PRIMARY KEY, note text);\nINSERT INTO rows SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 400000) g;',
      });
      const backupDir = join(await tempDir('ogel-serve-backup-'), 'store');
      const server = await serve(['--dir', dir, '--database-url', db.url], {
        OGEL_MIGRATE_TOKEN: TOKEN,
        OGEL_MIGRATE_BACKUP_DIR: backupDir,
      });
      const auth = { Authorization: `Bearer ${TOKEN}` };
      expect(
        (await fetch(`${server.url}/migrate?wait=true`, { method: 'POST', headers: auth, body: '{}' })).status,
      ).toBe(200);
      const backup = fetch(`${server.url}/backups`, { method: 'POST', headers: auth, body: '{}' });
      await whenRunning(
        { application: 'pg_dump', databaseLike: likeExactly(db.name), queryLike: 'COPY public.rows%' },
        10_000,
      );
      server.child.kill('SIGTERM');
      const response = await backup;
      expect(response.status).toBe(503);
      expect((await response.json()).error.code).toBe('INTERRUPTED');
      expect(await server.exit).toBe(0);
      expect(await readdir(backupDir).catch(() => [])).toEqual([]);
      expect(
        await query(
          db.url,
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump'",
        ),
      ).toEqual([]);
    },
  );

  it('without OGEL_MIGRATE_TOKEN it generates one, prints it once, and requires it', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const server = await serve(['--dir', dir, '--database-url', db.url], {}, [process.execPath], /shown once\): \S+\n/);
    const token = /generated admin token \(shown once\): (\S+)/.exec(server.stderr())?.[1];
    expect(token).toMatch(/^[\w-]{20,}$/);
    expect((await fetch(`${server.url}/status`)).status).toBe(401);
    expect((await fetch(`${server.url}/status`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.stderr().split(token!).length).toBe(2);
  });

  it('serves reports from a few kept-open connections, survives losing them, and a run waiting for the lock takes none', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE pooled (id int);' });
    const server = await serve(['--dir', dir, '--database-url', db.url], { OGEL_MIGRATE_TOKEN: TOKEN });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const readers = () =>
      query<{ pid: number }>(
        db.url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'ogel-migrate http reads%'",
      );
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => fetch(`${server.url}/status`, { headers: auth }).then((r) => r.status)),
    );
    expect(statuses.every((code) => code === 200)).toBe(true);
    const kept = await readers();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(4);
    // The same connections serve the next requests.
    await fetch(`${server.url}/status`, { headers: auth });
    expect((await readers()).map((r) => r.pid).sort()).toEqual(kept.map((r) => r.pid).sort());
    // Lost connections (a restart, a terminated backend) are replaced, and the process stays up.
    await query(
      db.url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'ogel-migrate http reads%'",
    );
    await new Promise((r) => setTimeout(r, 200));
    const after = await fetch(`${server.url}/status`, { headers: auth });
    expect(after.status).toBe(200);
    expect((await after.json()).counts.pending).toBe(1);
    // Runs waiting for the migration lock hold connections of their own: more of them than the pool has
    // connections, and reports are still answered.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, lockObjectId('platform.schema_migrations')]);
    const waiting = Array.from({ length: 6 }, () =>
      fetch(`${server.url}/migrate?wait=true`, { method: 'POST', headers: auth, body: '{}' }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const report = await fetch(`${server.url}/status`, { headers: auth, signal: AbortSignal.timeout(5000) });
    expect(report.status).toBe(200);
    await holder.end();
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await query(db.url, 'SELECT version FROM platform.schema_migrations')).toEqual([{ version: '001' }]);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.stderr()).toContain('a pooled connection was lost');
  });

  it('runs under Bun', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE under_bun (id int);' });
    const server = await serve(['--dir', dir, '--database-url', db.url], { OGEL_MIGRATE_TOKEN: TOKEN }, [BUN]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const response = await fetch(`${server.url}/migrate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    expect(response.status).toBe(200);
    server.child.kill('SIGTERM');
    await server.exit;
    expect(await query(db.url, "SELECT to_regclass('under_bun') IS NOT NULL AS ok")).toEqual([{ ok: true }]);
  });
});
