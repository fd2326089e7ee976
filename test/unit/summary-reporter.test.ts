import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBES = join(ROOT, 'test', 'harness', '.probes');
afterAll(() => rm(PROBES, { recursive: true, force: true }));

/** Runs vitest with the project's summary reporter on one probe file and returns its closing line. */
async function summaryOf(probe: string): Promise<string> {
  await mkdir(PROBES, { recursive: true });
  await writeFile(join(PROBES, 'case.probe.ts'), probe);
  await writeFile(
    join(PROBES, 'vitest.probe.config.mjs'),
    `export default { test: { include: ['test/harness/.probes/*.probe.ts'], reporters: ['./test/harness/summary-reporter.ts'] } };`,
  );
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const result = await promisify(execFile)(
    process.execPath,
    [vitest, 'run', '--config', join(PROBES, 'vitest.probe.config.mjs')],
    { cwd: ROOT },
  ).catch((error: { stdout: string }) => error);
  return /vitest: .*/.exec(result.stdout)?.[0] ?? result.stdout;
}

it('a file whose setup fails counts as failed, though none of its tests ran (a missing browser, say)', async () => {
  const line = await summaryOf(
    `import { beforeAll, it } from 'vitest';\nbeforeAll(() => { throw new Error('/usr/bin/chromium is missing'); });\nit('a', () => {});\nit('b', () => {});\n`,
  );
  expect(line).toBe('vitest: 0 passed, 1 failed, 2 skipped');
}, 60_000);
