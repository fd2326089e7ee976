import { serve, type ServerType } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import type { MigrationRunner } from '../runner/runner.js';
import type { BackupService } from '../backups/service.js';
import { generateToken } from './auth.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';
import type { ServerState } from './state.js';

export interface StartOptions {
  runners: Map<string, MigrationRunner>;
  backups?: Map<string, BackupService>;
  defaultEnvironment: string;
  protectedEnvironments?: Set<string>;
  port: number;
  host: string;
  adminToken?: string;
  readToken?: string;
  logger?: Logger;
  /** How long shutdown waits for a running migration before closing anyway. */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  state: ServerState;
  /** True when the admin token was generated (the caller prints it once). */
  generatedToken: boolean;
  /** Stops accepting, lets running migrations finish (bounded), closes. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** Starts the HTTP service. With no admin token configured it generates one: never a server anyone can drive. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const logger =
    options.logger ??
    pino({
      name: 'ogel-migrate',
      redact: { paths: ['req.headers.authorization', '*.authorization', '*.token', '*.password'], censor: '****' },
    });
  const metrics = createMetrics();
  for (const [env, runner] of options.runners) metrics.observe(env, runner);
  const state: ServerState = {
    runners: options.runners,
    backups: options.backups ?? new Map(),
    defaultEnvironment: options.defaultEnvironment,
    protectedEnvironments: options.protectedEnvironments ?? new Set(),
    adminToken: options.adminToken || generateToken(),
    readToken: options.readToken || undefined,
    logger,
    metrics,
    activeRuns: new Set(),
    shuttingDown: false,
    shutdownListeners: new Set(),
    lastVerify: new Map(),
  };
  const app = createApp(state);
  const server = await new Promise<ServerType>((resolve, reject) => {
    // Slow or stalled clients get a bounded time to send their request (slowloris); responses may take long.
    const s = serve(
      {
        fetch: app.fetch,
        port: options.port,
        hostname: options.host,
        serverOptions: { headersTimeout: 10_000, requestTimeout: 30_000 },
      },
      () => resolve(s),
    );
    s.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    state,
    generatedToken: !options.adminToken,
    shutdown() {
      stopping ??= (async () => {
        state.shuttingDown = true;
        for (const listener of state.shutdownListeners) listener();
        const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        http.closeIdleConnections?.();
        const grace = options.shutdownGraceMs ?? 30_000;
        const timeout = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
        await Promise.race([Promise.allSettled([...state.activeRuns]), timeout(grace)]);
        // Let the finished runs' responses go out, then cut whatever is left.
        http.closeIdleConnections?.();
        await Promise.race([closed, timeout(2_000)]);
        http.closeAllConnections?.();
        await closed;
        logger.info({ activeRuns: state.activeRuns.size }, 'server stopped');
      })();
      return stopping;
    },
  };
}
