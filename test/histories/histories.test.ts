import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { withClient as connected } from '../../src/db/connect.js';
import { DEFAULT_EXECUTION } from '../../src/db/execute-script.js';
import { compareVersions } from '../../src/core/version.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import { diffSnapshots, formatDifferences } from '../../src/schema/diff.js';
import { FileMigrationSource } from '../../src/source/file-source.js';
import { verifyMigrations } from '../../src/verify/verify.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

interface History {
  id: string;
  package: string;
  version: string;
  setup: string;
  files: { from: string; to: string }[];
}

const FETCH = fileURLToPath(new URL('./fetch.mjs', import.meta.url));
const CACHE = fileURLToPath(new URL('../../.cache/histories/', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as {
  histories: History[];
};

beforeAll(() => {
  // Downloads (npm pack) and checks the pinned tarballs once; a warm cache costs nothing.
  execFileSync(process.execPath, [FETCH], { stdio: ['ignore', 'ignore', 'pipe'] });
}, 300_000);

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args[0]}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

/**
 * `pg_dump --schema-only` without what differs between two databases built alike: comments, SET lines, the
 * random `\restrict` key of recent pg_dump releases, blank lines, and ogel-migrate's own tracking schema.
 */
async function dumpSchema(url: string): Promise<string> {
  const dump = await run('pg_dump', ['--schema-only', '--no-owner', '--exclude-schema=platform', '--dbname', url]);
  return dump
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('--') && !/^\\(un)?restrict /.test(line))
    .filter((line) => !/^(SET |SELECT pg_catalog\.set_config)/.test(line))
    .join('\n');
}

async function snapshot(url: string) {
  return connected(url, (client) => snapshotSchema(client, { excludeSchemas: ['platform'] }));
}

async function freshWithSetup(history: History): Promise<string> {
  const db = await createTestDatabase('h');
  if (history.setup) await query(db.url, history.setup);
  return db.url;
}

function upFiles(dir: string): string[] {
  const version = (file: string) => /^(\d+(?:\.\d+)*)_/.exec(file)![1]!;
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.down.sql'))
    .sort((a, b) => compareVersions(version(a), version(b)));
}

describe.each(manifest.histories)('history $id ($package@$version)', (history) => {
  const dir = join(CACHE, history.id, 'migrations');
  const hasDowns = history.files.some((f) => f.to.endsWith('.down.sql'));

  it('migrate builds the schema psql builds from the same files', async () => {
    const [viaPsql, viaOgel] = await Promise.all([freshWithSetup(history), freshWithSetup(history)]);
    for (const file of upFiles(dir))
      await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', viaPsql, '-f', join(dir, file)]);
    const result = await runCliProcess(['migrate', '--no-backup', '--dir', dir], {
      env: { DATABASE_URL: viaOgel },
      cwd: tmpdir(),
    });
    expect(result.code, result.stderr).toBe(0);

    const differences = diffSnapshots(await snapshot(viaPsql), await snapshot(viaOgel));
    expect(formatDifferences(differences)).toEqual(formatDifferences([]));
    // pg_dump 15 (Debian 12's) refuses the PG 17 server: there the catalog snapshots alone compare.
    if (pgDumpCoversServer()) expect(await dumpSchema(viaOgel)).toBe(await dumpSchema(viaPsql));
  });

  it('verify passes: every down restores the schema before its up, every up repeats', async () => {
    const scratch = await freshWithSetup(history);
    const set = await new FileMigrationSource(dir).load();
    const report = await verifyMigrations({
      set,
      scratchUrl: scratch,
      scratchDescription: history.id,
      settings: DEFAULT_EXECUTION,
      snapshot: {},
      createSibling: async () => ({ url: await freshWithSetup(history), drop: async () => {} }),
      jobs: 2,
    });
    const failures = report.results.filter((r) => !['ok', 'irreversible'].includes(r.outcome));
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.results).toHaveLength(upFiles(dir).length);
  });

  it.runIf(hasDowns)('rollback of everything leaves the database as the setup left it', async () => {
    const [target, reference] = await Promise.all([freshWithSetup(history), freshWithSetup(history)]);
    const runner = new MigrationRunner({ databaseUrl: target, dir });
    await runner.migrate();
    const rolledBack = await runCliProcess(['rollback', '--to', '0', '--dir', dir, '--json'], {
      env: { DATABASE_URL: target },
      cwd: tmpdir(),
    });
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
    const differences = diffSnapshots(await snapshot(reference), await snapshot(target));
    expect(formatDifferences(differences)).toEqual(formatDifferences([]));
    if (pgDumpCoversServer()) expect(await dumpSchema(target)).toBe(await dumpSchema(reference));
  });
});
