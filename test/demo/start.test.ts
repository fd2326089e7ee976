import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';

const START = fileURLToPath(new URL('../../dist/demo/start.js', import.meta.url));
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** `npm start` as a real process with a temporary folder of its own, so what it leaves behind is visible. */
async function start(args: string[]) {
  // The embedded server runs as the postgres user: the folder must be reachable for it, as /tmp is.
  const tmp = await mkdtemp(join(tmpdir(), 'ogel-demo-test-'));
  await chmod(tmp, 0o1777);
  made.push(tmp);
  const child = spawn(process.execPath, [START, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const leftovers = async () => ({
    files: await readdir(tmp),
    processes: (() => {
      try {
        return execFileSync('pgrep', ['-f', tmp], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    })(),
  });
  return { child, exit, output: () => output, leftovers };
}

describe('npm start', () => {
  it('serves on --port, and Ctrl-C stops the server and removes its data directory and backups', async () => {
    const port = await freePort();
    const demo = await start(['--port', String(port)]);
    await expect.poll(() => demo.output(), { timeout: 90_000, interval: 250 }).toContain('Press Ctrl-C to stop.');
    expect(demo.output()).toContain(`Dashboard and API: http://127.0.0.1:${port}/`);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await demo.leftovers()).files.length).toBeGreaterThan(0);
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    expect(await demo.leftovers()).toEqual({ files: [], processes: '' });
  });

  it('on a busy port says what to do, exits 2, and leaves no server or folder behind', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const demo = await start(['--port', String(port)]);
      expect(await demo.exit).toBe(2);
      expect(demo.output()).toContain(`[USAGE] Port ${port} is already in use`);
      expect(demo.output()).not.toContain('    at ');
      expect(await demo.leftovers()).toEqual({ files: [], processes: '' });
    } finally {
      blocker.close();
    }
  });
});
