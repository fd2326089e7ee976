import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

/** Starts `ogel-migrate serve` as a real process and waits for the URL it prints. */
export async function serve(
  args: string[],
  env: NodeJS.ProcessEnv,
  runtime: string[] = [process.execPath],
  ready = /on (http:\/\/\S+) \(dashboard/,
  cwd?: string,
): Promise<{ child: ChildProcess; url: string; stderr: () => string; exit: Promise<number | null> }> {
  const [command, ...prefix] = runtime;
  const child = spawn(command!, [...prefix, BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /on (http:\/\/\S+) \(dashboard/.exec(stderr);
      if (match && ready.test(stderr)) resolve(match[1]!);
    });
    void exit.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exit };
}
