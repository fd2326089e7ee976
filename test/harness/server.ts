import pino from 'pino';
import { Writable } from 'node:stream';
import { MigrationRunner, type MigrationRunnerOptions } from '../../src/index.js';
import { startServer, type RunningServer } from '../../src/http/serve.js';
import { BackupService } from '../../src/backups/service.js';

export const ADMIN = 'admin-token-for-tests';
export const READ = 'read-token-for-tests';

/** A real server on an ephemeral port, with its log lines captured for secret checks. */
export async function startTestServer(
  options: MigrationRunnerOptions,
  extra: { shutdownGraceMs?: number; backupDir?: string } = {},
): Promise<
  RunningServer & {
    logs: string[];
    runner: MigrationRunner;
    fetch: (path: string, init?: RequestInit & { token?: string | null }) => Promise<Response>;
  }
> {
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
  const runner = new MigrationRunner({ clientName: 'http', ...options });
  const { backupDir, ...rest } = extra;
  const backups = new Map(
    backupDir && options.databaseUrl
      ? [['default', new BackupService({ runner, databaseUrl: options.databaseUrl, backupDir })]]
      : [],
  );
  const server = await startServer({
    runners: new Map([['default', runner]]),
    backups,
    defaultEnvironment: 'default',
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN,
    readToken: READ,
    logger,
    ...rest,
  });
  return {
    ...server,
    logs,
    runner,
    fetch: (path, init = {}) => {
      const token = init.token === undefined ? ADMIN : init.token;
      const headers = new Headers(init.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
  };
}
