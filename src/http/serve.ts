import { serve, type ServerType } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import type { Target } from '../app/target.js';
import type { Fleet } from '../fleet/fleet.js';
import { FleetMonitor } from '../fleet/monitor.js';
import { checkToken, type TokenGrant } from '../app/tokens.js';
import { OgelError } from '../errors.js';
import { generateToken } from './auth.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';
import type { ServerState } from './state.js';

export interface StartOptions {
  /** One target per environment (src/app/target.ts: openTarget / openTargets). */
  targets: Map<string, Target>;
  /** Fleets to serve at /fleet…, each watched by a monitor that refreshes its status in the background. */
  fleets?: Map<string, Fleet>;
  /** The environment a request without `?env=` means (default: the first target). */
  defaultEnvironment?: string;
  port: number;
  host: string;
  /**
   * Who may call: grants from resolveTokens (src/app/tokens.ts). Without an admin grant one is generated and
   * returned once, so there is never a server anyone can drive.
   */
  tokens?: TokenGrant[];
  logger?: Logger;
  /** How long shutdown waits for a running migration before closing anyway. */
  shutdownGraceMs?: number;
  /** Parse every success against the contract's response schema (tests). */
  checkResponses?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  state: ServerState;
  /** The admin token generated because none was configured (the caller prints it once), or null. */
  generatedToken: string | null;
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
  const shutdown = new AbortController();
  for (const [env, target] of options.targets) metrics.observe(env, target.runner);
  const tokens = [...(options.tokens ?? [])];
  for (const grant of tokens) checkToken(grant.secret, grant.principal.actor);
  const generatedToken = tokens.some((g) => g.principal.role === 'admin' && !g.principal.environments)
    ? null
    : generateToken();
  if (generatedToken) tokens.push({ secret: generatedToken, principal: { actor: 'token admin', role: 'admin' } });
  const defaultEnvironment = options.defaultEnvironment ?? [...options.targets.keys()][0] ?? null;
  if (defaultEnvironment !== null && !options.targets.has(defaultEnvironment)) {
    throw new OgelError('CONFIG_INVALID', `The default environment "${defaultEnvironment}" is not served`, {
      env: defaultEnvironment,
    });
  }
  const fleets = new Map([...(options.fleets ?? [])].map(([name, fleet]) => [name, new FleetMonitor(fleet)]));
  metrics.fleets.watch(fleets);
  const state: ServerState = {
    targets: options.targets,
    fleets,
    defaultEnvironment,
    tokens,
    logger,
    metrics,
    activeRuns: new Set(),
    shuttingDown: false,
    shutdownListeners: new Set(),
    shutdownSignal: shutdown.signal,
    lastVerify: new Map(),
    lastDrift: new Map(),
    driftInFlight: new Map(),
    checkResponses: options.checkResponses ?? false,
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
    s.on('error', (error) => reject(listenError(error as NodeJS.ErrnoException, options.host, options.port)));
  });
  for (const monitor of fleets.values()) monitor.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    state,
    generatedToken,
    shutdown() {
      stopping ??= (async () => {
        state.shuttingDown = true;
        // Checks stop (and drop their scratch databases); migrations and rollbacks are never cut short, but
        // start nothing after their running migration (stopSignal): the caller gets 503 INTERRUPTED.
        shutdown.abort('shutdown');
        for (const listener of state.shutdownListeners) listener();
        const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        http.closeIdleConnections?.();
        const grace = options.shutdownGraceMs ?? 30_000;
        const timeout = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
        await Promise.race([Promise.allSettled([...state.activeRuns]), timeout(grace)]);
        await Promise.race([Promise.allSettled([...fleets.values()].map((m) => m.stop())), timeout(grace)]);
        // Let the finished runs' responses go out, then cut whatever is left.
        http.closeIdleConnections?.();
        await Promise.race([closed, timeout(2_000)]);
        http.closeAllConnections?.();
        await closed;
        if (state.activeRuns.size > 0)
          // A migration longer than the grace: its statement goes on and commits or rolls back on the server
          // with its tracking row (one transaction); the next run reads which.
          logger.warn(
            { activeRuns: state.activeRuns.size, graceMs: grace },
            'server stopped with runs still going: their running migration finishes or rolls back on the database',
          );
        else logger.info({ activeRuns: 0 }, 'server stopped');
      })();
      return stopping;
    },
  };
}

/** Why the port cannot be opened, as a usage error that says what to do instead of a stack trace. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): OgelError {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') {
    return new OgelError(
      'USAGE',
      `Port ${port} is already in use (${where}): stop what listens there, or pass --port N (or PORT=N)`,
      { host, port, reason: 'in-use' },
    );
  }
  if (error.code === 'EACCES') {
    return new OgelError(
      'USAGE',
      `Not allowed to listen on ${where} (ports below 1024 need privileges): pass --port N above 1023`,
      { host, port, reason: 'denied' },
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new OgelError('USAGE', `Cannot listen on ${where}: no such local address (check --host)`, {
      host,
      port,
      reason: 'address',
    });
  }
  return new OgelError('USAGE', `Cannot listen on ${where}: ${error.message}`, { host, port });
}
