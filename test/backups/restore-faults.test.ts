import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess, startCliProcess } from '../harness/cli.js';
import { createTestDatabase, likeExactly, query, whenRunning, withAdmin } from '../harness/db.js';
import { addMigration, tempDir, writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

/**
 * A restore interrupted at its worst moment (pg_restore half-way through the biggest table) leaves the original
 * as it was, and the next restore knows: it drops what the interrupted one left and says so.
 */
const dumping = it.skipIf(!pgDumpCoversServer());

async function bigProject() {
  const db = await createTestDatabase();
  const dir = await writeMigrations({
    '001_rows.sql':
      'CREATE TABLE rows (id int PRIMARY KEY, note text);\nINSERT INTO rows SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 400000) g;',
  });
  const backupDir = join(await tempDir('ogel-restore-faults-'), 'store');
  const env = { DATABASE_URL: db.url };
  const cli = (args: string[]) => runCliProcess([...args, '--dir', dir, '--backup-dir', backupDir], { env });
  expect((await cli(['migrate'])).code).toBe(0);
  const { id } = JSON.parse((await cli(['backup', '--json'])).stdout) as { id: string };
  // What the restore would undo: a row written after the backup.
  await query(db.url, "INSERT INTO rows VALUES (0, 'after the backup')");
  return { db, dir, backupDir, cli, id, env };
}

const leftovers = async (name: string) =>
  (
    await withAdmin((c) =>
      c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}\\_\\_ogel\\_%`]),
    )
  ).rows.map((r) => r.datname);

/** Resolves once pg_restore is loading the big table into the copy. */
const whenLoading = (name: string) =>
  whenRunning(
    { application: 'pg_restore', databaseLike: `${likeExactly(name)}\\_\\_ogel\\_restore%`, queryLike: 'COPY%' },
    12_000,
  );

function startRestore(p: Awaited<ReturnType<typeof bigProject>>) {
  return startCliProcess(['restore', p.id, '--yes', '--dir', p.dir, '--backup-dir', p.backupDir], { env: p.env });
}

async function assertUntouched(p: Awaited<ReturnType<typeof bigProject>>) {
  expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM rows')).toEqual([{ n: 400001 }]);
  const status = JSON.parse((await runCliProcess(['status', '--json', '--dir', p.dir], { env: p.env })).stdout);
  expect(status.counts).toMatchObject({ applied: 1, pending: 0 });
  const { backups: listed } = JSON.parse((await p.cli(['backups', '--json'])).stdout) as {
    backups: Array<{ id: string }>;
  };
  expect(listed.map((b) => b.id)).toContain(p.id);
}

describe('restore under faults', () => {
  dumping('kill -9 half-way: the original is intact, and the next restore drops the copy and completes', async () => {
    const p = await bigProject();
    const run = startRestore(p);
    await whenLoading(p.db.name);
    run.child.kill('SIGKILL');
    await run.closed;
    await assertUntouched(p);
    expect(await leftovers(p.db.name)).toHaveLength(1);

    const again = await p.cli(['restore', p.id, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/dropped \S+__ogel_restore_\S+, left by an interrupted restore of \S+/);
    expect(await query(p.db.url, 'SELECT count(*)::int AS n FROM rows')).toEqual([{ n: 400000 }]);
    expect(await leftovers(p.db.name)).toEqual([]);
  });

  dumping('SIGTERM half-way: INTERRUPTED, pg_restore ended, the copy dropped, the original intact', async () => {
    const p = await bigProject();
    const run = startRestore(p);
    await whenLoading(p.db.name);
    run.child.kill('SIGTERM');
    expect(await run.closed).toBe(143);
    expect(run.stderr()).toContain('[INTERRUPTED]');
    expect(run.stderr()).toContain('nothing was changed');
    await assertUntouched(p);
    expect(await leftovers(p.db.name)).toEqual([]);
  });

  dumping(
    'a lost connection half-way (pg_restore terminated by the server): RESTORE_FAILED, the original intact',
    async () => {
      const p = await bigProject();
      const run = startRestore(p);
      await whenLoading(p.db.name);
      await withAdmin((c) =>
        c.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE $1 AND application_name = 'pg_restore'`,
          [`${p.db.name}\\_\\_ogel\\_restore%`],
        ),
      );
      expect(await run.closed).toBe(1);
      expect(run.stderr()).toContain('[RESTORE_FAILED]');
      expect(run.stderr()).toContain('nothing was changed');
      await assertUntouched(p);
      expect(await leftovers(p.db.name)).toEqual([]);
    },
  );

  dumping(
    'beside a running migrate: a backup and a restore wait for its lock; the backup records what its dump holds',
    async () => {
      const p = await bigProject();
      const migrateWhileHeld = async (
        file: string,
        during: () => Promise<{ code: number | null; stdout: string; stderr: string }>,
      ) => {
        await addMigration(p.dir, file, 'SELECT pg_sleep(2);\nCREATE TABLE IF NOT EXISTS slow (id int);');
        const migrate = runCliProcess(['migrate', '--no-backup', '--dir', p.dir], { env: p.env });
        // The migrate holds the lock once its application_name carries the time it took it.
        for (let i = 0; i < 300; i++) {
          const held = await query(
            p.db.url,
            "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'ogel-migrate p=% t=%'",
          );
          if (held.length) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const result = await during();
        expect((await migrate).code).toBe(0);
        return result;
      };
      const backup = await migrateWhileHeld('002_slow.sql', () => p.cli(['backup', '--json']));
      expect(backup.code).toBe(0);
      expect(backup.stderr).toContain('waiting for the migration lock');
      // It waited for the migrate: its dump holds 002, and its manifest says so.
      expect(JSON.parse(backup.stdout)).toMatchObject({ version: '002' });

      const restore = await migrateWhileHeld('003_slow.sql', () => p.cli(['restore', p.id, '--yes']));
      expect(restore.code).toBe(0);
      expect(restore.stderr).toContain('waiting for the migration lock');
      expect(restore.stderr).not.toContain('deadlock');
      // The restore switched after the migrate: the database is at the backup's version, 002 and 003 pending.
      const status = JSON.parse((await runCliProcess(['status', '--json', '--dir', p.dir], { env: p.env })).stdout);
      expect(status.counts).toMatchObject({ applied: 1, pending: 2 });
      expect(await leftovers(p.db.name)).toEqual([]);
    },
  );
});
