import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let consumer: string | undefined;
afterAll(async () => {
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

/**
 * A project of a user's, installing the tool from a tarball as the README says (`npm pack`, then `npm install
 * ./ogel-migrate-0.1.0.tgz`), type-checking its own code with `strict` against the package's declarations,
 * and running the CLI through npx. Dependencies come from npm's cache (the test run's `npm ci` filled it).
 */
it(
  'a consumer installs the tarball, type-checks with strict, and runs npx ogel-migrate',
  { timeout: 240_000 },
  async () => {
    consumer = await mkdtemp(join(tmpdir(), 'ogel-consumer-'));
    // dist/ is built by `npm test`; the pack must not rebuild it.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', consumer], { cwd: ROOT });
    const tarball = (await readdir(consumer)).find((f) => f.endsWith('.tgz'))!;
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { 'ogel-migrate': `file:./${tarball}` },
      }),
    );
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer });
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
        },
        include: ['index.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'index.ts'),
      `import { MigrationRunner, openTarget, migrateTarget, loadConfig, isOgelError, type MigrateResult, type Guarded } from 'ogel-migrate';
import { startServer, type StartOptions } from 'ogel-migrate/server';
import type { Status, MigrateResponse } from 'ogel-migrate/contract';

const runner = new MigrationRunner({ databaseUrl: process.env.DATABASE_URL, dir: 'migrations' });
export async function deploy(): Promise<Guarded<MigrateResult>> {
  const loaded = await loadConfig(process.cwd());
  const target = openTarget(loaded, 'staging', {}, { env: process.env, cwd: process.cwd(), clientName: 'consumer' });
  try {
    return await migrateTarget(target, { to: '008' });
  } catch (error) {
    if (isOgelError(error, 'PROMOTION_REFUSED')) console.error(error.details);
    throw error;
  }
}
export const status: Promise<unknown> = runner.status();
export const serve = (options: StartOptions) => startServer(options);
export type Shown = Status | MigrateResponse;
`,
    );
    const checked = await run(process.execPath, [TSC, '-p', consumer]).catch((error: { stdout: string }) => error);
    expect(checked.stdout).toBe('');
    const version = await run('npx', ['--no-install', 'ogel-migrate', '--version'], { cwd: consumer });
    expect(version.stdout.trim()).toBe('0.1.0');
  },
);
