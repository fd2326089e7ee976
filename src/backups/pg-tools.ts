import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OgelError } from '../errors.js';
import { maskUrl } from '../db/url.js';

/** Ends the tool (SIGTERM) when the signal aborts; the listener goes when the tool exits. */
export function endOnAbort(child: ChildProcess, signal: AbortSignal | undefined): void {
  if (!signal) return;
  const stop = () => child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  child.on('close', () => signal.removeEventListener('abort', stop));
}

/** Where pg_dump / pg_restore live: a configured folder, else PATH. */
export function toolPath(name: 'pg_dump' | 'pg_restore', binDir?: string): string {
  if (binDir) {
    const path = join(binDir, name);
    if (!existsSync(path))
      throw new OgelError(
        'TOOL_VERSION_MISMATCH',
        `${name} not found in ${binDir} (pgBinDir / OGEL_MIGRATE_PG_BIN_DIR)`,
      );
    return path;
  }
  return name;
}

/** The tool's path, or null when a configured folder lacks it (for tools a command can do without). */
export function optionalToolPath(name: 'pg_dump' | 'pg_restore', binDir?: string): string | null {
  if (binDir && !existsSync(join(binDir, name))) return null;
  return toolPath(name, binDir);
}

/** The major version a `pg_dump --version` line reports, e.g. "pg_dump (PostgreSQL) 15.18 (Debian …)" → 15. */
export function parseToolMajor(versionLine: string): number | null {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionLine);
  if (!match) return null;
  const major = Number(match[1]);
  // Before 10, the major version was two numbers (9.6).
  return major < 10 ? major + Number(match[2] ?? 0) / 10 : major;
}

/**
 * pg_dump refuses (or silently mis-dumps, for some combinations) servers newer than itself. Say exactly which
 * client to install instead of producing a bad backup. Pure.
 */
export function checkToolVersion(tool: string, toolMajor: number | null, serverVersionNum: number): void {
  const serverMajor = Math.floor(serverVersionNum / 10000);
  if (toolMajor === null)
    throw new OgelError('TOOL_VERSION_MISMATCH', `Could not read the version of ${tool}; is it PostgreSQL's ${tool}?`);
  if (toolMajor < serverMajor) {
    throw new OgelError(
      'TOOL_VERSION_MISMATCH',
      `${tool} is version ${toolMajor} but the server is PostgreSQL ${serverMajor}: ${tool} must be at least the server's major version. ` +
        `Install postgresql-client-${serverMajor} (Debian/Ubuntu) and put it first on PATH, or set pgBinDir / OGEL_MIGRATE_PG_BIN_DIR.`,
      { tool, toolMajor, serverMajor },
    );
  }
}

export interface ToolRun {
  stdout: string;
  stderr: string;
}

/** Runs a PostgreSQL client tool; the password goes in PGPASSWORD, never on the command line. */
export function runTool(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) =>
      reject(
        new OgelError(
          'TOOL_VERSION_MISMATCH',
          `${command} could not be started (${(error as Error).message}): install the PostgreSQL client tools (e.g. apt-get install postgresql-client)`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          Object.assign(new Error(maskUrl(stderr.trim() || `${command} exited with ${code}`)), { exitCode: code }),
        );
    });
  });
}

export async function toolMajor(command: string): Promise<number | null> {
  return parseToolMajor(await toolVersionLine(command));
}

/** `pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`: recorded in each manifest. */
export async function toolVersionLine(command: string): Promise<string> {
  return (await runTool(command, ['--version'])).stdout.trim();
}
