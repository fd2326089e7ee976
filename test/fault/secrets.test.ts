import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

const SECRET = 'Sup3rSecret';

/** Everything a user can see of a database's tracking: text and JSON status and history, and the raw tables. */
async function everythingShown(url: string, dir: string): Promise<string> {
  const shown: string[] = [];
  for (const args of [['status'], ['status', '--json'], ['history'], ['history', '--json']]) {
    const result = await runCliProcess([...args, '--dir', dir, '--database-url', url]);
    shown.push(result.stdout, result.stderr);
  }
  return shown.join('\n');
}

describe('passwords in the error texts of failed migrations', () => {
  it('are masked where they are stored and in every report, text and JSON', async () => {
    const transactional = await createTestDatabase();
    const noTransaction = await createTestDatabase();
    const dirs = {
      transactional: await writeMigrations({
        '001_role.sql': `CREATE TABLE a (id int);\nCREATE ROLE pg_app LOGIN PASSWORD '${SECRET}';`,
      }),
      noTransaction: await writeMigrations({
        '001_link.sql': `-- ogel:no-transaction\nCREATE TABLE b (id int);\nSELECT 'postgres://app:${SECRET}@db.internal/x'::int;`,
      }),
    };
    for (const [url, dir] of [
      [transactional.url, dirs.transactional],
      [noTransaction.url, dirs.noTransaction],
    ] as const) {
      const run = await runCliProcess(['migrate', '--dir', dir, '--database-url', url]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('[MIGRATION_FAILED]');
      expect(run.stderr).not.toContain(SECRET);
      const stored = await query<{ text: string }>(
        url,
        `SELECT coalesce(string_agg(concat_ws(' ', error, details::text), ' '), '') AS text FROM platform.schema_migration_events
         UNION ALL SELECT coalesce(string_agg(error, ' '), '') FROM platform.schema_migrations`,
      );
      expect(stored.map((r) => r.text).join(' ')).toMatch(/\*\*\*\*/);
      expect(stored.map((r) => r.text).join(' ')).not.toContain(SECRET);
      const shown = await everythingShown(url, dir);
      expect(shown).toMatch(/failed|failure/);
      expect(shown).not.toContain(SECRET);
    }
    // The no-transaction one left a failed row whose error status shows (masked).
    const status = await new MigrationRunner({ databaseUrl: noTransaction.url, dir: dirs.noTransaction }).status();
    expect(status.migrations[0]).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('postgres://app:****@db.internal/x'),
    });
  });

  it('rows written before masking existed are masked when read, by the library and the CLI', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.init();
    await query(
      db.url,
      `INSERT INTO platform.schema_migration_events (run_id, event, outcome, version, name, error, actor, host, details)
       VALUES (gen_random_uuid(), 'apply', 'failure', '001', 'a', 'could not reach postgres://u:${SECRET}@h/db', 'me', 'h',
               '{"statement": "ALTER ROLE app PASSWORD ''${SECRET}''"}')`,
    );
    const [event] = await runner.history();
    expect(event).toMatchObject({
      error: 'could not reach postgres://u:****@h/db',
      details: { statement: "ALTER ROLE app PASSWORD '****'" },
    });
    expect(await everythingShown(db.url, dir)).not.toContain(SECRET);
  });
});

describe('pg_dump never gets a password on its command line', () => {
  // It runs the real pg_dump, which cannot dump a server newer than itself (PG 17 in the test matrix).
  it.skipIf(!pgDumpCoversServer())(
    'a ?password= parameter goes to PGPASSWORD, with the rest of the URL kept',
    async () => {
      const db = await createTestDatabase();
      const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const bin = await mkdtemp(join(tmpdir(), 'ogel-pgbin-'));
      const seen = join(bin, 'seen');
      // A wrapper that records what `ps` would show, then runs the real pg_dump.
      await writeFile(
        join(bin, 'pg_dump'),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> ${seen}\nprintf 'PGPASSWORD=%s\\n' "\${PGPASSWORD:+set}" >> ${seen}\nexec pg_dump "$@"\n`,
      );
      await chmod(join(bin, 'pg_dump'), 0o755);
      // A role of its own, whose password can be told apart from every other word of the command line.
      const role = `dump_${db.name}`;
      const password = 'Dump$ecret &1';
      await query(db.url, `CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
      const parsed = new URL(db.url);
      parsed.username = role;
      parsed.password = '';
      parsed.search = `?sslmode=disable&password=${encodeURIComponent(password)}&application_name=ogel+backup`;
      const backupDir = await mkdtemp(join(tmpdir(), 'ogel-backups-'));
      const result = await runCliProcess(
        ['backup', '--json', '--dir', dir, '--backup-dir', backupDir, '--database-url', parsed.toString()],
        { env: { OGEL_MIGRATE_PG_BIN_DIR: bin } },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const log = await readFile(seen, 'utf8');
      const dumpLine = log.split('\n').find((l) => l.includes('--dbname'))!;
      expect(dumpLine).toContain('sslmode=disable');
      expect(dumpLine).toContain('application_name=ogel+backup');
      expect(dumpLine).not.toMatch(/password/i);
      expect(dumpLine).not.toContain('Dump$ecret');
      expect(log).toContain('PGPASSWORD=set');
    },
  );
});
