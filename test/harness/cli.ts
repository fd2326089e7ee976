import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/ogel-migrate.js', import.meta.url));
/** Bun from the dev dependency, run directly (through npx a signal would reach npx, not Bun). */
export const BUN = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url));

/**
 * Where the CLI's backups go in tests unless a test says otherwise: a folder of this test process, never the
 * checkout's ./backups (a rollback whose down drops a table is backed up first).
 */
const BACKUP_DIR = mkdtempSync(join(tmpdir(), 'ogel-cli-backups-'));
process.once('exit', () => rmSync(BACKUP_DIR, { recursive: true, force: true }));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type CliOptions = { env?: NodeJS.ProcessEnv; cwd?: string; runtime?: string[] };

/** Runs the built CLI as a real process (`npm test` builds first), the way users and CI run it. */
export function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI started and not awaited: for a test that signals or kills it mid-run. */
export function startCliProcess(
  args: string[],
  options: CliOptions = {},
): { child: ChildProcess; closed: Promise<number | null>; stdout: () => string; stderr: () => string } {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, closed, stdout: () => stdout, stderr: () => stderr };
}

function spawnCli(args: string[], options: CliOptions) {
  const [command, ...prefix] = options.runtime ?? [process.execPath];
  return spawn(command!, [...prefix, BIN, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      NO_COLOR: '1',
      OGEL_MIGRATE_BACKUP_DIR: BACKUP_DIR,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
