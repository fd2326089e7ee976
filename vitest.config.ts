import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { selectedServers } from './test/harness/postgres.js';

/**
 * One temporary folder for the whole run (TMPDIR for the workers and the processes they start), deleted when
 * vitest exits: data directories, migration folders and backups of a test that failed midway go with it, so a
 * run leaves nothing in /tmp. The server's own user must traverse it, hence 0755.
 */
if (!process.env.OGEL_TEST_RUN_TMP) {
  // The config is loaded again per project: the folder is made once, by the process that loads it first.
  const runTmp = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'ogel-test-run-'));
  chmodSync(runTmp, 0o755);
  process.env.OGEL_TEST_RUN_TMP = runTmp;
  process.env.TMPDIR = runTmp;
  process.on('exit', () => rmSync(runTmp, { recursive: true, force: true }));
}

/**
 * A test file needs a server when it uses the harness's databases, directly or through a helper of its own
 * (`./fixture.js`): a new such file joins the matrix by itself.
 */
function testFiles(): { postgres: string[]; pure: string[] } {
  const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', f))
    .sort();
  const seen = new Map<string, boolean>();
  const usesServer = (file: string): boolean => {
    const known = seen.get(file);
    if (known !== undefined) return known;
    seen.set(file, false);
    const text = readFileSync(file, 'utf8');
    const direct = /from '(\.\.\/)+harness\/(db|server|postgres)\.js'|from '\.\/(db|server|postgres)\.js'/.test(text);
    const helpers = [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)]
      .map((m) => join(dirname(file), `${m[1]}.ts`))
      .filter((helper) => existsSync(helper) && !helper.includes('/src/'));
    const result = direct || helpers.some(usesServer);
    seen.set(file, result);
    return result;
  };
  return { postgres: files.filter(usesServer), pure: files.filter((f) => !usesServer(f)) };
}

const { postgres, pure } = testFiles();

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Screenshots and other attachments land with the rest of the test output, not in the checkout.
    attachmentsDir: 'test-results/attachments',
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: pure } },
      // Every Postgres-dependent file on every server of the matrix; the project name is the server's.
      ...selectedServers().map((server) => ({
        extends: true,
        test: { name: server, include: postgres, globalSetup: ['test/harness/global-setup.ts'] },
      })),
    ],
  },
});
