import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { BIN, BUN, runCliProcess } from '../harness/cli.js';
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

/** Starts `ogel-migrate migrate` as a real process (Node or Bun) and collects what it prints and how it ends. */
function startMigrate(url: string, dir: string, runtime: string[] = [process.execPath], extra: string[] = []) {
  const [command, ...prefix] = runtime;
  const child = spawn(command!, [...prefix, BIN, 'migrate', '--dir', dir, '--database-url', url, ...extra], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, ended };
}

/** The server has finished whatever the runner sent (a killed client's message runs on without it). */
async function serverIdle(url: string): Promise<void> {
  await whenRow(
    url,
    "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'ogel-migrate%' AND pid <> pg_backend_pid())",
  )();
}

const sleeping = (seconds: number) =>
  `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(${seconds})%' AND pid <> pg_backend_pid()`;

describe('Ctrl-C and SIGTERM of the CLI', () => {
  const slow = {
    '001_first.sql': 'CREATE TABLE first (id int);',
    '002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(4);\nINSERT INTO slow VALUES (1);',
    '003_never.sql': 'CREATE TABLE never (id int);',
  };

  it.each([
    ['SIGTERM', 'node', 143],
    ['SIGINT', 'node', 130],
    ['SIGTERM', 'bun', 143],
    ['SIGINT', 'bun', 130],
  ] as const)(
    '%s under %s cancels the running statement: the migration rolls back, the lock is released, exit %i',
    async (signal, runtime, status) => {
      const db = await createTestDatabase();
      const dir = await writeMigrations(slow);
      const run = startMigrate(db.url, dir, runtime === 'bun' ? [BUN] : [process.execPath]);
      await whenRow(db.url, sleeping(4))();
      run.child.kill(signal);
      const ended = await run.ended;
      expect(ended.code).toBe(status);
      expect(ended.stderr).toContain(
        `[INTERRUPTED] Interrupted (${signal}): 002_slow.sql was cancelled on the server and rolled back with its tracking row: nothing of it is applied.`,
      );
      await serverIdle(db.url);
      expect(await query(db.url, "SELECT to_regclass('slow') AS r")).toEqual([{ r: null }]);
      expect(await query(db.url, 'SELECT version FROM platform.schema_migrations')).toEqual([{ version: '001' }]);
      expect(
        await query(
          db.url,
          "SELECT version, outcome, error FROM platform.schema_migration_events WHERE version = '002'",
        ),
      ).toEqual([{ version: '002', outcome: 'failure', error: expect.stringContaining(`Interrupted (${signal})`) }]);
      const runner = new MigrationRunner({ databaseUrl: db.url, dir });
      expect(await runner.lockHolder()).toBeNull();
      expect((await runner.status()).counts).toMatchObject({ applied: 1, pending: 2, failed: 0 });
    },
  );

  it('SIGTERM while waiting for the lock stops the wait at once and changes nothing', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_hold.sql': 'SELECT pg_sleep(3);',
      '002_b.sql': 'CREATE TABLE b (id int);',
    });
    const holder = new MigrationRunner({ databaseUrl: db.url, dir }).migrate({ to: '001' });
    await whenRow(db.url, sleeping(3))();
    const run = startMigrate(db.url, dir);
    await new Promise<void>((resolve) =>
      run.child.stderr.on('data', (d: Buffer) => d.toString().includes('waiting for the migration lock') && resolve()),
    );
    run.child.kill('SIGTERM');
    const ended = await run.ended;
    expect(ended.code).toBe(143);
    expect(ended.stderr).toContain(
      '[INTERRUPTED] Interrupted (SIGTERM): stopped waiting for the migration lock; nothing was changed',
    );
    await holder;
    expect(await query(db.url, "SELECT to_regclass('b') AS r")).toEqual([{ r: null }]);
  });

  it('SIGTERM inside a no-transaction migration: its running statement is cancelled, it is recorded failed, migrate says so', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_notx.sql':
        '-- ogel:no-transaction\nCREATE TABLE part_one (id int);\nSELECT pg_sleep(5);\nCREATE TABLE part_two (id int);',
    });
    const run = startMigrate(db.url, dir);
    await whenRow(db.url, sleeping(5))();
    run.child.kill('SIGTERM');
    const ended = await run.ended;
    expect(ended.code).toBe(143);
    expect(ended.stderr).toContain(
      '001_notx.sql runs outside a transaction; statement 2 of 3 (line 3) was cancelled, the statements before it stay applied. It is recorded as failed',
    );
    await serverIdle(db.url);
    expect(
      await query(
        db.url,
        "SELECT to_regclass('part_one') IS NOT NULL AS one, to_regclass('part_two') IS NOT NULL AS two",
      ),
    ).toEqual([{ one: true, two: false }]);
    const again = await runCliProcess(['migrate', '--dir', dir, '--database-url', db.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      '[FAILED_MIGRATION_PRESENT] Migration 001_notx failed earlier outside a transaction',
    );
  });
});

describe('kill -9 of the CLI (what the docs promise)', () => {
  it('the server runs the transactional message to its end: applied and recorded together', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1.5);\nINSERT INTO slow VALUES (1);',
    });
    const run = startMigrate(db.url, dir);
    await whenRow(db.url, sleeping(1.5))();
    run.child.kill('SIGKILL');
    expect((await run.ended).signal).toBe('SIGKILL');
    await serverIdle(db.url);
    // The whole message reached the server before the kill, so it committed: the row and the table together.
    expect(await query(db.url, 'SELECT id FROM slow')).toEqual([{ id: 1 }]);
    expect(await query(db.url, 'SELECT version, status FROM platform.schema_migrations')).toEqual([
      { version: '001', status: 'applied' },
    ]);
  });
});
