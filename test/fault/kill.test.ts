import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { BIN } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const files: Record<string, string> = {};
for (let i = 1; i <= 6; i++) {
  files[`00${i}_step_${i}.sql`] =
    i === 4
      ? '-- ogel:no-transaction\nCREATE TABLE step_4 (id int);\nSELECT pg_sleep(0.3);\nCREATE TABLE step_4b (id int);'
      : `CREATE TABLE step_${i} (id int);\nSELECT pg_sleep(0.15);\nINSERT INTO step_${i} VALUES (${i});`;
}

/** Starts `ogel-migrate migrate` as a real process and kills it with SIGKILL once `when` resolves. */
async function killWhen(url: string, dir: string, when: () => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'migrate', '--dir', dir, '--database-url', url], { stdio: 'ignore' });
  const closed = new Promise((r) => child.on('close', r));
  await when();
  child.kill('SIGKILL');
  await closed;
}

const after = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));

/** Polls a query until it returns a row, so a kill lands at a known point of the run. */
function whenRow(url: string, sql: string) {
  return async () => {
    for (let i = 0; i < 400; i++) {
      if ((await query(url, sql).catch(() => [])).length > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`never saw: ${sql}`);
  };
}

async function waitForLockRelease(runner: MigrationRunner): Promise<void> {
  // The server notices the dead client's socket asynchronously; the lock must go with the session.
  for (let i = 0; i < 100 && (await runner.lockHolder()) !== null; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await runner.lockHolder()).toBeNull();
}

/** Every applied row matches a fully applied migration, and every trace of a migration has its row. */
async function assertConsistent(url: string): Promise<void> {
  const rows = await query<{ version: string; status: string }>(
    url,
    'SELECT version, status FROM platform.schema_migrations',
  ).catch(() => []);
  const status = new Map(rows.map((r) => [Number(r.version), r.status]));
  for (let i = 1; i <= 6; i++) {
    const [t] = await query<{ exists: boolean; n: number | null }>(
      url,
      `SELECT to_regclass('step_${i}') IS NOT NULL AS exists, ${i === 4 ? 'NULL' : `(SELECT count(*)::int FROM pg_class WHERE relname = 'step_${i}')`} AS n`,
    );
    const state = status.get(i);
    if (i === 4) {
      const [b] = await query<{ exists: boolean }>(url, "SELECT to_regclass('step_4b') IS NOT NULL AS exists");
      if (state === 'applied') expect(t!.exists && b!.exists).toBe(true);
      // A no-transaction migration killed half-way is never silently "applied": its row says running/failed.
      if (t!.exists && !b!.exists) expect(state).toBe('running');
      if (state === undefined) expect(t!.exists).toBe(false);
      continue;
    }
    if (state === 'applied') {
      const data = await query<{ id: number }>(url, `SELECT id FROM step_${i}`);
      expect(data).toEqual([{ id: i }]);
    } else {
      expect(t!.exists).toBe(false);
    }
  }
}

const points: Array<[string, (url: string) => () => Promise<void>]> = [
  ['right after start', () => after(30)],
  ['while taking the lock', () => after(120)],
  [
    'inside transactional migration 002',
    (url) => whenRow(url, "SELECT 1 FROM platform.schema_migrations HAVING count(*) = 1 AND bool_and(version = '001')"),
  ],
  ['between migrations', (url) => whenRow(url, "SELECT 1 FROM platform.schema_migrations WHERE version = '002'")],
  [
    'inside no-transaction migration 004',
    (url) => whenRow(url, "SELECT 1 FROM platform.schema_migrations WHERE version = '004' AND status = 'running'"),
  ],
  [
    'inside no-transaction 004 after its first statement',
    (url) => whenRow(url, "SELECT 1 WHERE to_regclass('step_4') IS NOT NULL"),
  ],
  [
    'inside transactional migration 006',
    (url) => whenRow(url, "SELECT 1 FROM platform.schema_migrations WHERE version = '005'"),
  ],
];

describe('kill -9 of the runner', () => {
  it.each(points)('%s: consistent state, no lock left, next run completes', async (_label, point) => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    await killWhen(db.url, dir, point(db.url));
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await waitForLockRelease(runner);
    await assertConsistent(db.url);
    const status = await runner.status();
    if (status.counts.failed > 0) {
      // Killed inside the no-transaction migration: a human checks, undoes the half, and repairs.
      expect(status.migrations.find((m) => m.state === 'failed')).toMatchObject({
        version: '004',
        error: expect.stringContaining('interrupted'),
      });
      await expect(runner.migrate()).rejects.toMatchObject({ code: 'FAILED_MIGRATION_PRESENT' });
      await query(db.url, 'DROP TABLE IF EXISTS step_4; DROP TABLE IF EXISTS step_4b');
      await runner.repair();
    }
    await runner.migrate();
    expect((await runner.status()).counts).toMatchObject({ applied: 6, pending: 0, failed: 0 });
    await assertConsistent(db.url);
  });
});
