import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { MigrationRunner, isOgelError } from '../../src/index.js';
import { createTestDatabase, query, withClient } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const files: Record<string, string> = {};
for (let i = 1; i <= 8; i++) {
  files[`00${i}_step_${i}.sql`] = `CREATE TABLE step_${i} (id int);\nSELECT pg_sleep(0.02);`;
}

describe('advisory locking', () => {
  it('four concurrent runners apply each migration exactly once', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const runners = Array.from(
      { length: 4 },
      () => new MigrationRunner({ databaseUrl: db.url, dir, lockWaitMs: 30_000 }),
    );
    const results = await Promise.all(runners.map((r) => r.migrate()));
    const applied = results.flatMap((r) => r.applied.map((a) => a.version)).sort();
    expect(applied).toEqual(['001', '002', '003', '004', '005', '006', '007', '008']);
    const events = await query(
      db.url,
      "SELECT version, count(*)::int AS n FROM platform.schema_migration_events WHERE event = 'apply' GROUP BY version",
    );
    expect(events.every((e) => e.n === 1)).toBe(true);
    expect(events).toHaveLength(8);
  });

  it('a waiting runner times out naming the holder (pid, host, since)', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_slow.sql': 'SELECT pg_sleep(3);' });
    const slow = new MigrationRunner({ databaseUrl: db.url, dir });
    const waiting: unknown[] = [];
    const impatient = new MigrationRunner({ databaseUrl: db.url, dir, lockWaitMs: 300 });
    impatient.events.on('lock:waiting', (e) => waiting.push(e.holder));
    const running = slow.migrate();
    await new Promise((r) => setTimeout(r, 500));
    const holder = await impatient.lockHolder();
    expect(holder).not.toBeNull();
    const error = await impatient.migrate().catch((e: unknown) => e);
    expect(isOgelError(error, 'LOCK_TIMEOUT')).toBe(true);
    const details = (error as { details: { holder: { pid: number; host: string; since: string } } }).details;
    expect(details.holder.pid).toBe(holder!.pid);
    expect(details.holder.host).toContain(`runner pid ${process.pid}`);
    expect(Date.now() - Date.parse(details.holder.since)).toBeLessThan(10_000);
    expect((error as Error).message).toMatch(
      /Another migration run holds the lock \(backend pid \d+, .+, since \d{4}-/,
    );
    expect(waiting).toHaveLength(1);
    await running;
    expect(await impatient.lockHolder()).toBeNull();
  });

  it('a run on another database of the same server neither blocks this one nor shows as its holder', async () => {
    const [staging, prod] = [await createTestDatabase(), await createTestDatabase()];
    const dir = await writeMigrations({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1.5);' });
    const stagingRun = new MigrationRunner({ databaseUrl: staging.url, dir }).migrate();
    const stagingRunner = new MigrationRunner({ databaseUrl: staging.url, dir });
    const prodRunner = new MigrationRunner({ databaseUrl: prod.url, dir, lockWaitMs: 0 });
    for (let i = 0; i < 100 && !(await stagingRunner.lockHolder()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await stagingRunner.lockHolder()).toMatchObject({ pid: expect.any(Number) });
    expect(await prodRunner.lockHolder()).toBeNull();
    const prodResult = await prodRunner.migrate();
    expect(prodResult.applied.map((m) => m.version)).toEqual(['001']);
    expect((await stagingRun).applied.map((m) => m.version)).toEqual(['001']);
  });

  it('a runner that waited re-reads the state and applies nothing twice', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_slow.sql': 'SELECT pg_sleep(0.5);\nCREATE TABLE once (id int);' });
    const a = new MigrationRunner({ databaseUrl: db.url, dir });
    const b = new MigrationRunner({ databaseUrl: db.url, dir });
    const waited: number[] = [];
    b.events.on('lock:acquired', (e) => waited.push(e.waitedMs));
    const first = a.migrate();
    await new Promise((r) => setTimeout(r, 150));
    const second = await b.migrate();
    expect((await first).applied).toHaveLength(1);
    expect(second.applied).toEqual([]);
    expect(waited[0]).toBeGreaterThan(100);
  });
});

describe('lock_timeout on migration statements', () => {
  it('retries with backoff while live traffic holds a conflicting lock, then succeeds', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE busy (id int)');
    const dir = await writeMigrations({ '001_alter.sql': 'ALTER TABLE busy ADD COLUMN note text;' });
    const runner = new MigrationRunner({
      databaseUrl: db.url,
      dir,
      lockTimeoutMs: 100,
      lockRetries: 10,
      retryBaseMs: 50,
    });
    const retries: number[] = [];
    runner.events.on('migration:retry', (e) => retries.push(e.attempt));
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE');
    // While the migration waits for its lock, ordinary reads must not queue behind it for long.
    const run = runner.migrate();
    let released = false;
    setTimeout(() => void blocker.query('COMMIT').then(() => ((released = true), blocker.end())), 800);
    let readsWhileBlocked = 0;
    await withClient(db.url, async (reader) => {
      for (let i = 0; i < 12; i++) {
        await reader.query('SELECT count(*) FROM busy');
        if (!released) readsWhileBlocked++;
        await new Promise((r) => setTimeout(r, 40));
      }
    });
    const result = await run;
    expect(result.applied).toHaveLength(1);
    expect(retries.length).toBeGreaterThan(0);
    expect(
      await query(
        db.url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'note'",
      ),
    ).toHaveLength(1);
    // Without lock_timeout the waiting ALTER would queue every read until the blocker commits.
    expect(readsWhileBlocked).toBeGreaterThanOrEqual(2);
  });

  it('gives up after the configured retries with a clear error', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE busy (id int)');
    const dir = await writeMigrations({ '001_alter.sql': 'ALTER TABLE busy ADD COLUMN note text;' });
    const runner = new MigrationRunner({
      databaseUrl: db.url,
      dir,
      lockTimeoutMs: 50,
      lockRetries: 2,
      retryBaseMs: 10,
    });
    await withClient(db.url, async (blocker) => {
      await blocker.query('BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE');
      const error = await runner.migrate().catch((e: unknown) => e);
      expect(isOgelError(error, 'MIGRATION_FAILED')).toBe(true);
      expect((error as Error).message).toContain('canceling statement due to lock timeout');
      await blocker.query('COMMIT');
    });
    expect((await runner.status()).counts.pending).toBe(1);
  });
});
