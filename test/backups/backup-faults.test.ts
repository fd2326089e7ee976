import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUN, runCliProcess, startCliProcess } from '../harness/cli.js';
import { createTestDatabase, likeExactly, query, whenRunning, withAdmin } from '../harness/db.js';
import { addMigration, tempDir, writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';
import { useTestS3 } from '../harness/s3.js';

/**
 * A backup interrupted while pg_dump streams the biggest table: a signal ends it cleanly (nothing kept, a failed
 * event recorded), kill -9 leaves an unfinished dump that the catalog reports and a later backup removes; the
 * store never lists a backup that is not whole.
 */
const dumping = it.skipIf(!pgDumpCoversServer());

const s3 = useTestS3();

async function bigProject(store?: (name: string) => string) {
  const db = await createTestDatabase();
  const dir = await writeMigrations({
    '001_rows.sql':
      'CREATE TABLE rows (id int PRIMARY KEY, note text);\nINSERT INTO rows SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 400000) g;',
  });
  const backupDir = store ? store(db.name) : join(await tempDir('ogel-backup-faults-'), 'store');
  const env = { DATABASE_URL: db.url, ...s3.env };
  const cli = (args: string[]) => runCliProcess([...args, '--dir', dir, '--backup-dir', backupDir], { env });
  expect((await cli(['migrate'])).code).toBe(0);
  return { db, dir, backupDir, env, cli };
}

type Project = Awaited<ReturnType<typeof bigProject>>;

function startBackup(p: Project, command = 'backup', runtime = process.execPath) {
  return startCliProcess([command, '--dir', p.dir, '--backup-dir', p.backupDir], { env: p.env, runtime: [runtime] });
}

/** Resolves once pg_dump is copying the big table out of the database. */
const whenCopying = (name: string) =>
  whenRunning({ application: 'pg_dump', databaseLike: likeExactly(name), queryLike: 'COPY public.rows%' }, 10_000);

async function catalog(p: Project) {
  const listed = await p.cli(['backups', '--json']);
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as { backups: Array<{ id: string }>; problems: string[] };
}

const backupEvents = (p: Project) =>
  query<{ outcome: string; error: string | null }>(
    p.db.url,
    `SELECT outcome, details->>'error' AS error FROM platform.schema_migration_events WHERE event = 'backup' ORDER BY id`,
  );

describe('backup under faults', () => {
  dumping.each([
    ['node', process.execPath],
    ['bun', BUN],
  ])(
    'SIGTERM while pg_dump streams (%s): INTERRUPTED, nothing kept in the folder, a failed event, then a whole backup',
    async (_name, runtime) => {
      const p = await bigProject();
      const run = startBackup(p, 'backup', runtime);
      await whenCopying(p.db.name);
      run.child.kill('SIGTERM');
      expect(await run.closed).toBe(143);
      expect(run.stderr()).toContain('[INTERRUPTED]');
      expect(run.stderr()).toContain('nothing was kept');
      expect(await readdir(p.backupDir).catch(() => [])).toEqual([]);
      expect(await catalog(p)).toEqual(expect.objectContaining({ backups: [], problems: [] }));
      expect(await backupEvents(p)).toEqual([{ outcome: 'failure', error: expect.stringContaining('SIGTERM') }]);
      // No pg_dump outlives the backup that started it.
      const dumps = await withAdmin((c) =>
        c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'pg_dump'`, [p.db.name]),
      );
      expect(dumps.rowCount).toBe(0);

      const again = await p.cli(['backup', '--json']);
      expect(again.code).toBe(0);
      expect((await catalog(p)).backups.map((b) => b.id)).toEqual([JSON.parse(again.stdout).id]);
    },
  );

  dumping(
    'kill -9 while pg_dump streams: the unfinished dump is reported, never listed, and removed once stale',
    async () => {
      const p = await bigProject();
      const run = startBackup(p);
      await whenCopying(p.db.name);
      run.child.kill('SIGKILL');
      await run.closed;
      const [partial, ...others] = await readdir(p.backupDir);
      expect(others).toEqual([]);
      expect(partial).toMatch(/^\.\S+\.dump\.partial$/);
      const after = await catalog(p);
      expect(after.backups).toEqual([]);
      expect(after.problems).toEqual([
        expect.stringMatching(/\.dump\.partial is an unfinished dump \(\d+ bytes, last written /),
      ]);

      // A backup the same day keeps it (it could be another backup's, still being written)…
      const first = await p.cli(['backup', '--json']);
      expect(first.code).toBe(0);
      expect(await readdir(p.backupDir)).toContain(partial);
      // …one after it has not been written for a day removes it.
      const dayAndMinuteAgo = new Date(Date.now() - 24 * 3600_000 - 60_000);
      await utimes(join(p.backupDir, partial!), dayAndMinuteAgo, dayAndMinuteAgo);
      const second = await p.cli(['backup', '--json']);
      expect(second.code).toBe(0);
      expect(await readdir(p.backupDir)).not.toContain(partial);
      expect((await catalog(p)).problems).toEqual([]);
      expect((await catalog(p)).backups).toHaveLength(2);
    },
  );

  dumping('SIGTERM during the backup a migrate takes first: INTERRUPTED before anything is applied', async () => {
    const p = await bigProject();
    await addMigration(p.dir, '002_drop_rows.sql', 'DROP TABLE rows;');
    const run = startBackup(p, 'migrate');
    await whenCopying(p.db.name);
    run.child.kill('SIGTERM');
    expect(await run.closed).toBe(143);
    expect(run.stderr()).toContain('[INTERRUPTED]');
    expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM rows')).toEqual([{ n: 400000 }]);
    const status = JSON.parse((await runCliProcess(['status', '--json', '--dir', p.dir], { env: p.env })).stdout);
    expect(status.counts).toMatchObject({ applied: 1, pending: 1 });
    expect(await readdir(p.backupDir).catch(() => [])).toEqual([]);

    const again = await p.cli(['migrate']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/backup \S+ taken \(before migrate: destructive migration\)/);
    expect((await catalog(p)).backups).toHaveLength(1);
  });

  dumping('SIGTERM while streaming into S3: the multipart upload is aborted, the bucket lists nothing', async () => {
    const p = await bigProject((name) => `s3://${s3.bucket}/faults/${name}`);
    const run = startBackup(p);
    await whenCopying(p.db.name);
    run.child.kill('SIGTERM');
    expect(await run.closed).toBe(143);
    expect(run.stderr()).toContain('[INTERRUPTED]');
    expect(await catalog(p)).toEqual(expect.objectContaining({ backups: [], problems: [] }));
    expect(s3.created.filter((c) => c.key.startsWith(`faults/${p.db.name}/`))).toEqual([]);
    expect(await backupEvents(p)).toEqual([{ outcome: 'failure', error: expect.stringContaining('SIGTERM') }]);

    const again = await p.cli(['backup', '--json']);
    expect(again.code).toBe(0);
    expect((await catalog(p)).backups.map((b) => b.id)).toEqual([JSON.parse(again.stdout).id]);
  });
  dumping.each([['a bucket that does not exist', () => 's3://no-such-bucket-here/p']])(
    'a store that fails (%s): STORE_FAILED or BACKUP_FAILED at once, the lock released, a failed event',
    async (_name, store) => {
      const p = await bigProject(store);
      // More than one 16 MiB part: the upload starts (and fails) while pg_dump still has output to write.
      await query(
        p.db.url,
        'INSERT INTO rows SELECT g, md5(g::text) || md5((g * 3)::text) || md5((g * 5)::text) FROM generate_series(400001, 2000000) g',
      );
      const started = Date.now();
      const result = await p.cli(['backup', '--json']);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).error.code).toMatch(/^(STORE_FAILED|BACKUP_FAILED)$/);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await backupEvents(p)).toEqual([expect.objectContaining({ outcome: 'failure' })]);
      // Nothing holds the migration lock or a snapshot any more: the next run goes through.
      expect((await p.cli(['migrate', '--lock-wait', '2000'])).code).toBe(0);
    },
    60_000,
  );
});
