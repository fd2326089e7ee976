import pino from 'pino';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { MigrationRunner } from '../../src/index.js';
import { openTarget, type Target } from '../../src/app/target.js';
import { resolveTokens } from '../../src/app/tokens.js';
import type { LoadedConfig } from '../../src/config/load.js';
import type { OgelConfig } from '../../src/config/schema.js';
import { openFleets } from '../../src/fleet/fleet.js';
import { startServer, type RunningServer } from '../../src/http/serve.js';

export const ADMIN = 'admin-token-for-tests';
export const READ = 'read-token-for-tests';

export type TestServer = RunningServer & {
  logs: string[];
  runner: MigrationRunner;
  targets: Map<string, Target>;
  fetch: (path: string, init?: RequestInit & { token?: string | null }) => Promise<Response>;
};

/**
 * A real server on an ephemeral port, with its log lines captured for secret checks. Every success response is
 * checked against the HTTP contract's schema. One database (`databaseUrl`, served as `default`), or a config's
 * environments and fleets (`config`, with `env` holding the variables its `env:` references read).
 */
export async function startTestServer(
  options: { databaseUrl?: string; dir: string; config?: OgelConfig; env?: NodeJS.ProcessEnv },
  extra: { shutdownGraceMs?: number; backupDir?: string } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const logger = pino(
    { redact: { paths: ['req.headers.authorization'], censor: '****' } },
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );
  const env = { ...options.env, OGEL_TEST_DATABASE_URL: options.databaseUrl ?? '' };
  // Backups go to a folder of this server's (never the checkout's ./backups), removed at shutdown.
  const ownBackupDir =
    extra.backupDir ?? options.config?.backupDir ?? (await mkdtemp(join(tmpdir(), 'ogel-http-backups-')));
  const config: OgelConfig = {
    ...(options.config ?? { environments: { default: { databaseUrl: 'env:OGEL_TEST_DATABASE_URL' } } }),
    backupDir: ownBackupDir,
  };
  const loaded: LoadedConfig = { config, file: null, baseDir: process.cwd() };
  const targets = new Map<string, Target>();
  for (const name of Object.keys(config.environments ?? {})) {
    const target = openTarget(
      loaded,
      name,
      { dir: options.dir },
      { env, cwd: process.cwd(), clientName: 'http', database: 'required' },
    );
    targets.set(name, target);
  }
  const fleets = openFleets(
    loaded,
    { dir: options.dir },
    { env, cwd: process.cwd(), clientName: 'http', database: 'required' },
  );
  const tokens = resolveTokens(loaded, env, { admin: ADMIN, read: READ });
  const { shutdownGraceMs } = extra;
  const server = await startServer({
    targets,
    fleets,
    port: 0,
    host: '127.0.0.1',
    tokens,
    logger,
    checkResponses: true,
    ...(shutdownGraceMs !== undefined ? { shutdownGraceMs } : {}),
  });
  const shutdown = server.shutdown.bind(server);
  return {
    ...server,
    shutdown: async () => {
      await shutdown();
      if (!extra.backupDir && !options.config?.backupDir) await rm(ownBackupDir, { recursive: true, force: true });
    },
    logs,
    targets,
    runner: [...targets.values()][0]!.runner,
    fetch: (path, init = {}) => {
      const token = init.token === undefined ? ADMIN : init.token;
      const headers = new Headers(init.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
  };
}
