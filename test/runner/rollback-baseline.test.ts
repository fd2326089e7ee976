import { describe, expect, it } from 'vitest';
import { MigrationRunner, isOgelError } from '../../src/index.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const files = {
  '001_a.sql': 'CREATE TABLE a (id int);',
  '001_a.down.sql': 'DROP TABLE a;',
  '002_b.sql': 'CREATE TABLE b (id int);',
  '002_b.down.sql': 'DROP TABLE b;',
  '003_c.sql': 'CREATE TABLE c (id int);',
  '003_c.down.sql': 'DROP TABLE c;',
  '004_idx.sql': 'CREATE INDEX CONCURRENTLY c_idx ON c (id);',
  '004_idx.down.sql': '-- ogel:no-transaction\nDROP INDEX CONCURRENTLY c_idx;',
};

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ t: string }>(
    url,
    "SELECT relname AS t FROM pg_class WHERE relname IN ('a','b','c','c_idx') ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

describe('rollback', () => {
  it('reverts newest first, one step by default, --steps N, --to V, each with its row and an event', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    const one = await runner.rollback();
    expect(one.reverted.map((r) => [r.version, r.transactional])).toEqual([['004', false]]);
    expect(await tables(db.url)).toEqual(['a', 'b', 'c']);
    const two = await runner.rollback({ steps: 2 });
    expect(two.reverted.map((r) => r.version)).toEqual(['003', '002']);
    expect(two.current).toBe('001');
    await runner.migrate();
    const to = await runner.rollback({ to: '001' });
    expect(to.reverted.map((r) => r.version)).toEqual(['004', '003', '002']);
    expect(await tables(db.url)).toEqual(['a']);
    const all = await runner.rollback({ to: '0' });
    expect(all.reverted.map((r) => r.version)).toEqual(['001']);
    expect((await runner.status()).current).toBeNull();
    const events = await query(
      db.url,
      "SELECT count(*)::int AS n FROM platform.schema_migration_events WHERE event = 'rollback' AND outcome = 'success'",
    );
    expect(events).toEqual([{ n: 7 }]);
  });

  it('refuses before touching anything when a needed down file is missing', async () => {
    const db = await createTestDatabase();
    const { ['002_b.down.sql']: _omitted, ...withoutDown } = files;
    const dir = await writeMigrations(withoutDown);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    const error = await runner.rollback({ steps: 3 }).catch((e: unknown) => e);
    expect(isOgelError(error, 'DOWN_MISSING')).toBe(true);
    expect((error as Error).message).toContain('002 (no 002_b.down.sql)');
    expect(await tables(db.url)).toEqual(['a', 'b', 'c', 'c_idx']);
    expect((await runner.status()).counts.applied).toBe(4);
  });

  it('a failing down rolls back its own transaction and keeps the row', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '001_a.down.sql': 'DROP TABLE a;\nDROP TABLE nope;',
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    const error = await runner.rollback().catch((e: unknown) => e);
    expect((error as Error).message).toContain('001_a.down.sql:2:1: table "nope" does not exist');
    expect(await tables(db.url)).toEqual(['a']);
    expect((await runner.status()).counts.applied).toBe(1);
  });

  it('dry run lists what would be reverted and changes nothing', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    const plan = await runner.rollback({ steps: 2, dryRun: true });
    expect(plan.planned.map((p) => p.file)).toEqual(['004_idx.down.sql', '003_c.down.sql']);
    expect(await tables(db.url)).toEqual(['a', 'b', 'c', 'c_idx']);
  });
});

describe('baseline', () => {
  it('records migrations up to V as applied without running them', async () => {
    const db = await createTestDatabase();
    await query(db.url, 'CREATE TABLE a (id int); CREATE TABLE b (id int);');
    const dir = await writeMigrations(files);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const result = await runner.baseline({ to: '002' });
    expect(result.baselined.map((b) => b.version)).toEqual(['001', '002']);
    const rows = await query(
      db.url,
      'SELECT version, kind, applied_at, execution_ms FROM platform.schema_migrations ORDER BY version',
    );
    expect(rows).toEqual([
      { version: '001', kind: 'baseline', applied_at: null, execution_ms: null },
      { version: '002', kind: 'baseline', applied_at: null, execution_ms: null },
    ]);
    const status = await runner.status();
    expect(status.migrations.slice(0, 2).map((m) => [m.state, m.kind])).toEqual([
      ['applied', 'baseline'],
      ['applied', 'baseline'],
    ]);
    expect((await runner.migrate()).applied.map((a) => a.version)).toEqual(['003', '004']);
    expect((await runner.baseline({ to: '004' })).baselined).toEqual([]);
    await expect(runner.baseline({ to: '77' })).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
    const events = await query(
      db.url,
      "SELECT version FROM platform.schema_migration_events WHERE event = 'baseline' ORDER BY id",
    );
    expect(events).toEqual([{ version: '001' }, { version: '002' }]);
  });
});

describe('configuration and secrets', () => {
  it('accepts postgres:// and postgresql:// and a custom tracking table', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
    const url = db.url.replace(/^postgres:/, 'postgresql:');
    const runner = new MigrationRunner({
      databaseUrl: url,
      dir,
      schema: 'ops',
      table: 'migrations',
      eventsTable: 'migration_log',
    });
    await runner.migrate();
    expect(await query(db.url, 'SELECT version FROM ops.migrations')).toEqual([{ version: '001' }]);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM ops.migration_log')).toEqual([{ n: 1 }]);
    expect(() => new MigrationRunner({ databaseUrl: url, dir, table: 'x; drop table y' })).toThrow(
      /lower-case SQL identifier/,
    );
  });

  it('never shows the password: malformed URLs and failed connections are masked', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const malformed = new MigrationRunner({ databaseUrl: 'postgres://admin:hunter2@:bad:port/db', dir });
    const e1 = await malformed.status().catch((e: unknown) => e);
    expect(isOgelError(e1, 'INVALID_DATABASE_URL')).toBe(true);
    expect(JSON.stringify(e1)).not.toContain('hunter2');
    expect((e1 as Error).message).toContain('postgres://admin:****@');
    const wrongScheme = new MigrationRunner({ databaseUrl: 'mysql://root:hunter2@localhost/db', dir });
    const e2 = await wrongScheme.status().catch((e: unknown) => e);
    expect(isOgelError(e2, 'INVALID_DATABASE_URL')).toBe(true);
    expect((e2 as Error).message).not.toContain('hunter2');
    const unreachable = new MigrationRunner({ databaseUrl: 'postgres://admin:hunter2@127.0.0.1:1/db', dir });
    const e3 = await unreachable.status().catch((e: unknown) => e);
    expect(isOgelError(e3, 'DB_CONNECTION')).toBe(true);
    expect((e3 as Error).message).toContain('postgres://admin:****@127.0.0.1:1/db');
    expect(JSON.stringify(e3)).not.toContain('hunter2');
  });
});
