import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { PARSE_CHUNK_BYTES } from '../../src/sql/parser.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const tableExists = async (url: string, name: string) =>
  (await query<{ r: string | null }>(url, `SELECT to_regclass('${name}')::text AS r`))[0]!.r !== null;

describe('empty migration files mean "nothing to do", as for psql', () => {
  it('a 0-byte, a comments-only and a blank up are applied and recorded; migrate goes on past them', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_empty.sql': '',
      '002_comments.sql': '-- nothing here yet\n/* reserved */\n',
      '003_blank.sql': '\n   \n',
      '004_no_tx_empty.sql': '-- ogel:no-transaction\n',
      '005_real.sql': 'CREATE TABLE real_one (id int);',
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const plan = await runner.migrate({ dryRun: true });
    expect(plan.planned.map((p) => [p.version, p.statements])).toEqual([
      ['001', 0],
      ['002', 0],
      ['003', 0],
      ['004', 0],
      ['005', 1],
    ]);
    const result = await runner.migrate();
    expect(result.applied.map((a) => a.version)).toEqual(['001', '002', '003', '004', '005']);
    expect(await tableExists(db.url, 'real_one')).toBe(true);
    const status = await runner.status();
    expect(status.counts).toMatchObject({ applied: 5, pending: 0, failed: 0 });
    expect(await runner.validate()).toMatchObject({ ok: true, problems: [] });
  });

  it('a 0-byte down is a down that undoes nothing: rollback runs it and forgets the row', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_data.sql': 'CREATE TABLE keep (id int);',
      '001_data.down.sql': 'DROP TABLE keep;',
      '002_grant.sql': 'SELECT 1;',
      '002_grant.down.sql': '',
    });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    await runner.migrate();
    expect((await runner.status()).migrations.map((m) => m.reversible)).toEqual([true, true]);
    const reverted = await runner.rollback({ steps: 2 });
    expect(reverted.reverted.map((r) => r.version)).toEqual(['002', '001']);
    expect((await runner.status()).counts).toMatchObject({ applied: 0, pending: 2 });
    expect(await tableExists(db.url, 'keep')).toBe(false);
  });
});

describe('a byte order mark (as Windows editors save UTF-8)', () => {
  it('is not SQL: the file runs without it, its checksum stays the bytes on disk', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '002_later.sql': 'SELECT 1;' });
    await writeFile(join(dir, '001_bom.sql'), Buffer.from('\uFEFFCREATE TABLE bom_table (id int);', 'utf8'));
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    expect((await runner.migrate()).applied.map((a) => a.version)).toEqual(['001', '002']);
    expect(await tableExists(db.url, 'bom_table')).toBe(true);
    expect((await runner.status()).counts).toMatchObject({ applied: 2, modified: 0 });
  });
});

describe('files that are not SQL text are refused before anything runs', () => {
  async function hostileDir(bad: Buffer) {
    const dir = await writeMigrations({
      '001_fine.sql': 'CREATE TABLE fine (id int);',
      'test_binary.sql': '',
    });
    await writeFile(join(dir, '002_bad.sql'), bad);
    // An ignored psql script may hold anything.
    await writeFile(join(dir, 'test_binary.sql'), Buffer.from([0x00, 0xff, 0xfe]));
    return dir;
  }
  const nul = Buffer.from(
    'CREATE TABLE before_nul (id int);\nSELECT 1;\u0000\nCREATE TABLE after_nul (id int);',
    'utf8',
  );
  const latin1 = Buffer.concat([
    Buffer.from("CREATE TABLE t (name text);\nINSERT INTO t VALUES ('caf", 'utf8'),
    Buffer.from([0xe9]),
    Buffer.from("');", 'utf8'),
  ]);

  it.each([
    ['a NUL byte', nul, /002_bad\.sql: contains a NUL byte \(0x00\) at line 2, column 10/, 2, 10],
    ['invalid UTF-8', latin1, /002_bad\.sql: is not valid UTF-8: byte 0xE9 at line 2, column 27/, 2, 27],
  ])(
    '%s: migrate, validate and validate --offline name file, line and column',
    async (_label, bytes, message, line, column) => {
      const db = await createTestDatabase();
      const dir = await hostileDir(bytes);
      const runner = new MigrationRunner({ databaseUrl: db.url, dir });
      await expect(runner.migrate()).rejects.toMatchObject({
        code: 'INVALID_MIGRATION_FILES',
        message: expect.stringMatching(message),
        details: { problems: [{ file: '002_bad.sql', line, column }] },
      });
      expect(await tableExists(db.url, 'fine')).toBe(false);
      expect(await tableExists(db.url, 'before_nul')).toBe(false);
      for (const offline of [false, true]) {
        const result = await runner.validate({ offline });
        expect(result.ok).toBe(false);
        expect(result.problems).toEqual([
          expect.objectContaining({ file: '002_bad.sql', message: expect.stringMatching(/at line \d+, column \d+/) }),
        ]);
      }
      const cli = await runCliProcess(['migrate', '--dir', dir, '--database-url', db.url]);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(message);
      const validate = await runCliProcess(['validate', '--offline', '--dir', dir]);
      expect(validate.code).toBe(2);
      expect(validate.stdout).toMatch(message);
      expect(await tableExists(db.url, 'fine')).toBe(false);
    },
  );
});

describe('a file larger than the parser takes in one piece', () => {
  it('is parsed in pieces and applied whole, dollar quotes and comments across the cuts included', async () => {
    const db = await createTestDatabase();
    const filler = 'x'.repeat(1000);
    const rows = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `INSERT INTO big VALUES (${from + i}, '${filler};\n');`).join('\n');
    const sql = [
      'CREATE TABLE big (id int, note text);',
      rows(1, 3800),
      // Across the first cut (at 4 MB): its body's lines that end in ";" must not be taken for statement ends.
      `CREATE FUNCTION big_count() RETURNS bigint LANGUAGE plpgsql AS $$\nBEGIN\n${'  PERFORM 1;\n'.repeat(50_000)}  RETURN (SELECT count(*) FROM big);\nEND;\n$$;`,
      '-- a comment line ending in a semicolon;',
      rows(3801, 200),
    ].join('\n');
    expect(Buffer.byteLength(sql)).toBeGreaterThan(PARSE_CHUNK_BYTES);
    const dir = await writeMigrations({ '001_big.sql': sql });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const result = await runner.migrate();
    expect(result.planned[0]!.statements).toBe(4002);
    expect(await query(db.url, 'SELECT big_count()::int AS n')).toEqual([{ n: 4000 }]);
  });
});
