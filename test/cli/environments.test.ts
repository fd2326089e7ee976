import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, query } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';
import { addMigration, writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

/** Three environments on one real server: three databases, wired through a config file. */
async function project() {
  const [dev, staging, prod] = await Promise.all([
    createTestDatabase('dev'),
    createTestDatabase('stg'),
    createTestDatabase('prd'),
  ]);
  const root = await mkdtemp(join(tmpdir(), 'ogel-proj-'));
  const dir = await writeMigrations({
    '001_a.sql': 'CREATE TABLE a (id int);',
    '002_b.sql': 'CREATE TABLE b (id int);',
    '002_b.down.sql': 'DROP TABLE b;',
  });
  const config = {
    dir,
    environments: {
      dev: { databaseUrl: 'env:DEV_URL' },
      staging: { databaseUrl: 'env:STAGING_URL', after: 'dev' },
      prod: { databaseUrl: 'env:PROD_URL', after: 'staging', protected: true },
    },
  };
  await writeFile(join(root, 'ogel-migrate.config.json'), JSON.stringify(config));
  const env = { DEV_URL: dev.url, STAGING_URL: staging.url, PROD_URL: prod.url };
  const cli = (args: string[]) => runCliProcess(args, { env, cwd: root });
  return { dev, staging, prod, root, dir, env, cli };
}

describe('environments', () => {
  it('promotion: staging refuses what dev has not applied, then allows it; force needs a reason and is logged', async () => {
    const p = await project();
    const refused = await p.cli(['migrate', '--env', 'staging']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      '[PROMOTION_REFUSED] staging comes after dev, which has not run: 001_a (not applied in dev), 002_b (not applied in dev)',
    );
    expect(await query(p.staging.url, "SELECT to_regclass('a') AS r")).toEqual([{ r: null }]);

    expect((await p.cli(['migrate', '--env', 'dev', '--to', '001'])).code).toBe(0);
    const partial = await p.cli(['migrate', '--env', 'staging', '--json']);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout).error.details.violations).toEqual([
      { version: '002', name: 'b', reason: 'not-applied-upstream' },
    ]);
    expect((await p.cli(['migrate', '--env', 'staging', '--to', '001'])).code).toBe(0);

    // Same version, different bytes in dev: refused as a checksum difference.
    await query(p.dev.url, "UPDATE platform.schema_migrations SET checksum = 'sha256:other' WHERE version = '001'");
    await query(p.staging.url, 'DELETE FROM platform.schema_migrations');
    await query(p.staging.url, 'DROP TABLE a');
    const checksum = await p.cli(['migrate', '--env', 'staging', '--to', '001']);
    expect(checksum.stderr).toContain('applied with a different checksum in dev');

    const noReason = await p.cli(['migrate', '--env', 'staging', '--to', '001', '--force-promotion', ' ']);
    expect(noReason.code).toBe(2);
    const forced = await p.cli(['migrate', '--env', 'staging', '--to', '001', '--force-promotion', 'hotfix INC-42']);
    expect(forced.code).toBe(0);
    const [event] = await query(
      p.staging.url,
      "SELECT details FROM platform.schema_migration_events WHERE event = 'promotion_override'",
    );
    expect(event!.details).toMatchObject({ reason: 'hotfix INC-42', upstream: 'dev', environment: 'staging' });
  });

  // migrate --yes on a protected environment takes a real backup first.
  it.skipIf(!pgDumpCoversServer())(
    'protected prod shows the plan and refuses without --yes (no TTY), changing nothing',
    async () => {
      const p = await project();
      await p.cli(['migrate', '--env', 'dev']);
      await p.cli(['migrate', '--env', 'staging']);
      const refused = await p.cli(['migrate', '--env', 'prod']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Would apply 2 migration(s)');
      expect(refused.stderr).toContain('[CONFIRMATION_REQUIRED] prod is protected');
      expect(await query(p.prod.url, "SELECT to_regclass('platform.schema_migrations') AS r")).toEqual([{ r: null }]);
      // A plan id reviewed earlier (another CI job) confirms that plan; one that moved since is refused.
      const stale = await p.cli(['migrate', '--env', 'prod', '--plan', 'plan_000000000000deadbeef']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('[PLAN_CHANGED]');
      const reviewed = JSON.parse((await p.cli(['plan', '--env', 'prod', '--json'])).stdout).planId;
      const yes = await p.cli(['migrate', '--env', 'prod', '--plan', reviewed]);
      expect(yes.code).toBe(0);
      // prod's database under another spelling of its host is still prod (it once rolled back unconfirmed).
      const respelled = p.prod.url.replace('@127.0.0.1:', '@localhost:');
      expect(respelled).not.toBe(p.prod.url);
      const sneaky = await p.cli(['rollback', '--database-url', respelled]);
      expect(sneaky.code).toBe(1);
      expect(sneaky.stderr).toContain('[CONFIRMATION_REQUIRED] prod is protected');
      const unconfirmed = await p.cli(['rollback', '--env', 'prod']);
      expect(unconfirmed.code).toBe(1);
      expect(unconfirmed.stderr).toMatch(/\[CONFIRMATION_REQUIRED\] prod is protected: plan plan_\w+ \(002\)/);
      const rolled = await p.cli(['rollback', '--env', 'prod', '-y']);
      expect(rolled.stderr).toContain('reverting 002_b');
      expect(rolled.code).toBe(0);
      expect((await p.cli(['baseline', '--env', 'prod', '--to', '002'])).code).toBe(1);
      expect((await p.cli(['status', '--env', 'prod', '--json'])).stdout).toContain('"pending": 1');
    },
  );

  it.skipIf(!pgDumpCoversServer())(
    "another environment's backup is restored over this one only when the request names where it is from",
    async () => {
      const p = await project();
      await p.cli(['migrate', '--env', 'dev']);
      await query(p.dev.url, 'INSERT INTO a VALUES (42)');
      const backup = JSON.parse((await p.cli(['backup', '--env', 'dev', '--json'])).stdout);
      await p.cli(['migrate', '--env', 'staging']);
      // One store for every environment: a dev backup's id given for staging is refused, nothing changed.
      const refused = await p.cli(['restore', backup.id, '--env', 'staging', '--yes']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `[CONFIRMATION_REQUIRED] Backup ${backup.id} is of environment dev, not staging`,
      );
      expect(await query(p.staging.url, 'SELECT count(*)::int AS n FROM a')).toEqual([{ n: 0 }]);
      // A restore over an unprotected environment says why it asks, not that it is protected.
      const unconfirmed = await p.cli(['restore', backup.id, '--env', 'dev']);
      expect(unconfirmed.stderr).toContain('Restoring replaces the database of dev');
      const copied = await p.cli(['restore', backup.id, '--env', 'staging', '--yes', '--from-environment', 'dev']);
      expect(copied.code).toBe(0);
      expect(await query(p.staging.url, 'SELECT id FROM a')).toEqual([{ id: 42 }]);
    },
  );

  it('config errors are usage errors naming the key and the file', async () => {
    const p = await project();
    const file = join(p.root, 'ogel-migrate.config.json');
    const write = (config: unknown) => writeFile(file, JSON.stringify(config));
    await write({ environments: { dev: { databaseUrl: 'env:DEV_URL', colour: 'blue' } } });
    let result = await p.cli(['status', '--env', 'dev']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('environments.dev.colour: unknown key');
    await write({ lockTimeoutMs: 'soon' });
    result = await p.cli(['status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lockTimeoutMs:');
    await write({ environments: { dev: { databaseUrl: 'env:NOT_SET_ANYWHERE' } } });
    result = await p.cli(['status', '--env', 'dev']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environments.dev.databaseUrl');
    expect(result.stderr).toContain('NOT_SET_ANYWHERE');
    await write({ environments: { dev: { databaseUrl: 'postgres://u:secret123@h/db' } } });
    result = await p.cli(['status', '--env', 'dev']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('contains a password');
    expect(result.stderr).not.toContain('secret123');
    await write({ environments: { staging: { databaseUrl: 'env:X', after: 'qa' } } });
    result = await p.cli(['status']);
    expect(result.stderr).toContain('environments.staging.after: names unknown environment "qa"');
    await writeFile(file, '{ not json');
    result = await p.cli(['status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not valid JSON');
    await write({ environments: { dev: { databaseUrl: 'env:DEV_URL' } } });
    result = await p.cli(['status', '--env', 'qa']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Environment "qa": unknown environment (configured: dev)');
    // From the variable it is the same message: no flag was given, none is named.
    result = await runCliProcess(['status'], { env: { ...p.env, OGEL_MIGRATE_ENV: 'qa' }, cwd: p.root });
    expect(result.stderr).toContain('Environment "qa": unknown environment (configured: dev)');
    expect(result.stderr).not.toContain('--env');
  });

  it('finds the config walking up, resolves dir relative to it, and flags override it', async () => {
    const p = await project();
    const nested = join(p.root, 'deep', 'er');
    await import('node:fs/promises').then((fs) => fs.mkdir(nested, { recursive: true }));
    const result = await runCliProcess(['status', '--env', 'dev', '--json'], { env: p.env, cwd: nested });
    expect(JSON.parse(result.stdout).counts.pending).toBe(2);
    const other = await writeMigrations({ '001_only.sql': 'SELECT 1;' });
    const flagged = await runCliProcess(['status', '--env', 'dev', '--json', '--dir', other], {
      env: p.env,
      cwd: nested,
    });
    expect(JSON.parse(flagged.stdout).counts.pending).toBe(1);
  });

  it('init writes a commented starter config that loads, in each format', async () => {
    for (const format of ['mjs', 'ts', 'json']) {
      const root = await mkdtemp(join(tmpdir(), 'ogel-init-'));
      const result = await runCliProcess(['init', '--format', format], { cwd: root });
      expect(result.stderr).toBe('');
      const text = await readFile(join(root, `ogel-migrate.config.${format}`), 'utf8');
      if (format !== 'json') expect(text).toContain('// Secrets are references');
      // Run again, it keeps the config (never overwrites it) and does what is left.
      const again = await runCliProcess(['init'], { cwd: root });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('(already there, kept)');
      expect(await readFile(join(root, `ogel-migrate.config.${format}`), 'utf8')).toBe(text);
      // The starter config must be valid: `validate --offline` loads it and finds the empty migrations dir.
      const validate = await runCliProcess(['validate', '--offline', '--json'], { cwd: root });
      expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true, migrations: 0 });
    }
  });

  it('$DATABASE_URL is not used when --env names another environment', async () => {
    const p = await project();
    await addMigration(p.dir, '003_c.sql', 'SELECT 1;');
    const result = await runCliProcess(['status', '--env', 'staging', '--json'], {
      env: { ...p.env, DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' },
      cwd: p.root,
    });
    expect(result.code).toBe(0);
  });
});
