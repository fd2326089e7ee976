import { createServer } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { isOgelError } from '../../src/errors.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

/** What a newcomer reads when something is off: each message says what and where, with the right exit status. */
describe('messages a newcomer meets', () => {
  it('baseline without --to says which flag is missing, from the CLI and the library', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const db = await createTestDatabase();
    const cli = await runCliProcess(['baseline', '--dir', dir, '--database-url', db.url]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--to <version>');
    expect(cli.stderr).not.toContain('undefined');
    const error = await new MigrationRunner({ databaseUrl: db.url, dir })
      .baseline({} as { to: string })
      .catch((e: unknown) => e);
    expect(isOgelError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toContain('--to');
  });

  it('lint --rules --json is JSON; --config help names every config file form', async () => {
    const rules = await runCliProcess(['lint', '--rules', '--json']);
    expect(rules.code).toBe(0);
    const parsed = JSON.parse(rules.stdout);
    expect(parsed.rules.length).toBeGreaterThan(20);
    expect(parsed.rules[0]).toEqual({
      id: expect.any(String),
      severity: expect.any(String),
      description: expect.any(String),
    });
    const help = await runCliProcess(['status', '--help']);
    expect(help.stdout).toContain('ogel-migrate.config.{json,js,mjs,ts}');
    expect(help.code).toBe(0);
    // No command (or a group without its subcommand) shows the help but is a usage error: a script that lost
    // its command must not pass.
    for (const args of [[], ['fleet']]) {
      const missing = await runCliProcess(args);
      expect(missing.code).toBe(2);
      expect(`${missing.stdout}${missing.stderr}`).toContain('Usage:');
    }
    expect((await runCliProcess(['help', 'migrate'])).code).toBe(0);
  });

  it('serve on a taken or impossible port says what to do, exit 2, never INTERNAL', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const env = { OGEL_MIGRATE_TOKEN: 'a-long-enough-admin-token' };
      const taken = await runCliProcess(
        ['serve', '--port', String(port), '--host', '127.0.0.1', '--dir', dir, '--database-url', db.url],
        { env },
      );
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain(`[USAGE] Port ${port} is already in use`);
      expect(taken.stderr).toContain('--port N');
      expect(taken.stderr).not.toContain('INTERNAL');
      const invalid = await runCliProcess(['serve', '--port', '70000', '--dir', dir, '--database-url', db.url], {
        env,
      });
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toContain('--port must be at most 65535');
      const word = await runCliProcess(['serve', '--port', 'eighty', '--dir', dir, '--database-url', db.url], { env });
      expect(word.code).toBe(2);
      const spaced = await runCliProcess(['serve', '--port', '0', '--dir', dir, '--database-url', db.url], {
        env: { OGEL_MIGRATE_TOKEN: 'has a space in it, so no header can carry it' },
      });
      expect(spaced.code).toBe(2);
      expect(spaced.stderr).toContain('OGEL_MIGRATE_TOKEN contains whitespace');
    } finally {
      blocker.close();
    }
  });

  it('a config with environments and no defaultEnv asks which one instead of ignoring them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ogel-msg-'));
    await writeFile(
      join(root, 'ogel-migrate.config.json'),
      JSON.stringify({
        environments: { staging: { databaseUrl: 'env:STAGING_URL' }, prod: { databaseUrl: 'env:PROD_URL' } },
      }),
    );
    const db = await createTestDatabase();
    const result = await runCliProcess(['status'], {
      cwd: root,
      env: { DATABASE_URL: db.url, STAGING_URL: 'postgres://x@h/s', PROD_URL: 'postgres://x@h/p' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('configures environments (staging, prod) but none is selected');
    const unset = await runCliProcess(['status'], { cwd: root, env: {} });
    expect(unset.stderr).toContain('none is selected');
    await writeFile(
      join(root, 'ogel-migrate.config.json'),
      JSON.stringify({ defaultEnv: 'prod', environments: { prod: { databaseUrl: 'env:PROD_URL' } } }),
    );
    const missing = await runCliProcess(['status'], { cwd: root, env: { DATABASE_URL: db.url } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('environments.prod.databaseUrl');
    expect(missing.stderr).toContain('PROD_URL, which is not set');
  });
});
