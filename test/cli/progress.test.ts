import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../src/cli/progress.js';
import { BIN, runCliProcess } from '../harness/cli.js';
import { createTestDatabase } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal sees it. */
function onTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('progress of a long migration', () => {
  it('on a terminal, a status line counts its seconds and is cleared when it is done', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_long.sql': 'SELECT pg_sleep(2.4);' });
    const { code, output: raw } = await onTerminal(['migrate', '--dir', dir, '--database-url', db.url]);
    expect(code).toBe(0);
    const output = raw.replace(/\u001b\[\d+m/g, ''); // colours
    expect(output).toContain('[1/1] applying 001_long');
    // Redrawn in place: carriage return and erase-line before each count, and before the line that follows.
    expect(output).toContain('\r\u001b[2K  running for 1 s\r\u001b[2K  running for 2 s\r\u001b[2K  done in ');
  });

  it('off a terminal (a log, CI) there is no status line', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_long.sql': 'SELECT pg_sleep(1.3);' });
    const result = await runCliProcess(['migrate', '--dir', dir, '--database-url', db.url]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('running for');
    expect(result.stderr).not.toContain('\r');
  });

  it('formats long waits readably', () => {
    expect([999, 7_000, 125_000, 3_725_000].map(formatElapsed)).toEqual(['0 s', '7 s', '2 min 05 s', '1 h 02 min']);
  });
});
