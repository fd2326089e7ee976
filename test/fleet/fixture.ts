import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** `count` tenant databases (a few created at once: CREATE DATABASE is I/O the busy test machine shares). */
export async function tenantDatabases(count: number, prefix = 'ten'): Promise<Array<{ name: string; url: string }>> {
  const made: Array<{ name: string; url: string }> = [];
  for (let i = 0; i < count; i += 5) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(5, count - i) }, () => createTestDatabase(prefix)))));
  }
  return made;
}

/** A working directory with a targets file listing `urls`, one per line. */
export async function projectWithTargets(urls: readonly string[], config?: object) {
  const root = await mkdtemp(join(tmpdir(), 'ogel-fleet-'));
  made.push(root);
  const targets = join(root, 'tenants.txt');
  await writeFile(targets, `# one tenant per line\n${urls.join('\n')}\n`);
  if (config) await writeFile(join(root, 'ogel-migrate.config.json'), JSON.stringify(config));
  return { root, targets };
}

export async function fleetCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = await runCliProcess(['fleet', ...args, '--json'], options);
  let body: any;
  try {
    body = JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
  return { code: result.code, body, stderr: result.stderr };
}

/** Versions recorded as applied in one database's (or schema's) tracking table. */
export async function appliedIn(url: string, schema = 'platform'): Promise<string[]> {
  const [exists] = await query<{ r: string | null }>(url, 'SELECT to_regclass($1)::text AS r', [
    `${schema}.schema_migrations`,
  ]);
  if (!exists?.r) return [];
  const rows = await query<{ version: string }>(
    url,
    `SELECT version FROM ${schema}.schema_migrations WHERE status = 'applied' ORDER BY version`,
  );
  return rows.map((r) => r.version);
}
