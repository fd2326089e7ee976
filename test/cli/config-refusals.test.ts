import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

async function projectWith(config: string, name = 'ogel-migrate.config.json') {
  const root = await mkdtemp(join(tmpdir(), 'ogel-config-'));
  await writeFile(join(root, name), config);
  return root;
}

const error = (stdout: string) => (JSON.parse(stdout) as { error: { code: string; message: string } }).error;

describe('configuration refused at start, naming the key', () => {
  it.each([
    [
      'two environments after each other',
      { dev: 'staging', staging: 'dev' },
      'environments.dev.after',
      '"dev" → "staging" → "dev"',
    ],
    [
      'a cycle of three',
      { prod: 'staging', staging: 'qa', qa: 'prod', dev: undefined },
      'environments.prod.after',
      '"prod" → "staging" → "qa" → "prod"',
    ],
  ])('%s', async (_label, links, key, cycle) => {
    const environments = Object.fromEntries(
      Object.entries(links).map(([name, after]) => [
        name,
        { databaseUrl: 'env:DATABASE_URL', ...(after ? { after } : {}) },
      ]),
    );
    const root = await projectWith(JSON.stringify({ environments }));
    const result = await runCliProcess(['status', '--json', '--env', Object.keys(links)[0]!], {
      cwd: root,
      env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/x' },
    });
    expect(result.code).toBe(2);
    expect(error(result.stdout)).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`${key}: ${cycle} is a cycle`),
    });
  });

  it('out-of-range timeouts and retries in the file', async () => {
    const root = await projectWith(
      JSON.stringify({
        lockTimeoutMs: 3_000_000_000,
        lockRetries: 1_000_000,
        environments: { dev: { databaseUrl: 'env:DATABASE_URL', lockWaitMs: 2_147_483_648 } },
      }),
    );
    const result = await runCliProcess(['status', '--json'], { cwd: root });
    expect(result.code).toBe(2);
    const { code, message } = error(result.stdout);
    expect(code).toBe('CONFIG_INVALID');
    expect(message).toMatch(/lockTimeoutMs: .*2147483647/);
    expect(message).toMatch(/lockRetries: .*1000/);
    expect(message).toMatch(/environments\.dev\.lockWaitMs: .*2147483647/);
  });

  it('a config module that throws, or does not parse, is CONFIG_INVALID naming the file (password masked)', async () => {
    for (const source of [
      "throw new Error('cannot read vault at postgres://ops:Sup3rSecret@vault/cfg');\nexport default {};",
      'export default { dir: "migrations", ;',
    ]) {
      const root = await projectWith(source, 'ogel-migrate.config.mjs');
      const result = await runCliProcess(['status'], { cwd: root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `[CONFIG_INVALID] Config ${join(root, 'ogel-migrate.config.mjs')} could not be loaded:`,
      );
      expect(result.stderr).not.toContain('Sup3rSecret');
      expect(result.stderr).not.toContain('INTERNAL');
    }
  });
});

describe('flags and options refused at start, naming them', () => {
  it('out-of-range timeouts: flags are USAGE errors, library options too', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    for (const [flag, value] of [
      ['--lock-timeout', '99999999999'],
      ['--lock-wait', '2147483648'],
      ['--statement-timeout', '3000000000'],
    ] as const) {
      const result = await runCliProcess([
        'status',
        '--json',
        '--dir',
        dir,
        flag,
        value,
        '--database-url',
        'postgres://u@127.0.0.1:1/x',
      ]);
      expect(result.code).toBe(2);
      expect(error(result.stdout)).toEqual({
        code: 'USAGE',
        message: `${flag} must be at most 2147483647 (got "${value}")`,
        details: {},
      });
    }
    for (const [option, value] of [
      ['lockWaitMs', -1],
      ['lockTimeoutMs', 1.5],
      ['statementTimeoutMs', Number.NaN],
      ['lockRetries', 1e6],
      ['retryBaseMs', 2 ** 31],
    ] as const) {
      expect(() => new MigrationRunner({ dir, [option]: value })).toThrow(
        expect.objectContaining({
          code: 'USAGE',
          message: expect.stringMatching(new RegExp(`^${option} must be an integer`)),
        }),
      );
    }
  });

  it.each(['pg_catalog', 'pg_temp', 'pg_toast', 'information_schema'])(
    '--schema %s is refused before anything is created',
    async (schema) => {
      const db = await createTestDatabase();
      const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const result = await runCliProcess([
        'migrate',
        '--json',
        '--dir',
        dir,
        '--schema',
        schema,
        '--database-url',
        db.url,
      ]);
      expect(result.code).toBe(2);
      expect(error(result.stdout)).toMatchObject({
        code: 'CONFIG_INVALID',
        message: `schema "${schema}" is a system schema: the tracking tables cannot live there (use your own, e.g. "platform")`,
      });
      expect(await query(db.url, "SELECT to_regclass('a') AS a")).toEqual([{ a: null }]);
      const root = await projectWith(JSON.stringify({ schema }));
      const fromFile = await runCliProcess(['status', '--json', '--dir', dir], { cwd: root });
      expect(fromFile.code).toBe(2);
      expect(error(fromFile.stdout).message).toMatch(/schema: is a system schema/);
    },
  );
});
