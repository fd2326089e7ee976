import type { Command } from 'commander';
import type pg from 'pg';
import { createPool } from '../../db/connect.js';
import { loadConfig } from '../../config/load.js';
import { openTarget, openTargets, type Target } from '../../app/target.js';
import { resolveTokens } from '../../app/tokens.js';
import { openFleets } from '../../fleet/fleet.js';
import { OgelError } from '../../errors.js';
import {
  addCommonOptions,
  claimInterrupts,
  overridesFrom,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';

/** Connections kept open per environment for reports. */
const READ_POOL_SIZE = 4;

interface ServeOptions extends CommonOptions {
  port?: string;
  host: string;
}

export function registerServe(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('serve'))
    .description('run the long-lived HTTP service (/migrate, /status, …) and the dashboard at /')
    .option('--port <port>', 'port (default: $PORT or 8080)')
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .action(async (options: ServeOptions) => {
      const port = parseInteger(options.port ?? ctx.env.PORT ?? '8080', options.port ? '--port' : 'PORT', 0)!;
      if (port > 65535) throw new OgelError('USAGE', `--port must be at most 65535 (got ${port})`);
      const loaded = await loadConfig(ctx.cwd, options.config ?? ctx.env.OGEL_MIGRATE_CONFIG);
      const context = { env: ctx.env, cwd: ctx.cwd, clientName: 'http', database: 'required' as const };
      // Every configured environment, each with its own settings; or the one database the flags name.
      const overrides = overridesFrom(options);
      const envName = options.env ?? ctx.env.OGEL_MIGRATE_ENV;
      let targets: Map<string, Target>;
      if (loaded.config.environments && !options.databaseUrl) {
        const { databaseUrl: _url, ...shared } = overrides;
        const opened = openTargets(loaded, shared, context);
        for (const { name, error } of opened.skipped) ctx.output.err(`environment ${name} skipped: ${error.message}`);
        targets = opened.targets;
        if (targets.size === 0) throw new OgelError('CONFIG_INVALID', 'No environment could be opened (see above)');
      } else if (loaded.config.fleets && !options.databaseUrl && !envName && !ctx.env.DATABASE_URL) {
        targets = new Map(); // fleets only
      } else {
        const target = openTarget(loaded, envName, overrides, context);
        targets = new Map([[target.name, target]]);
      }
      // Fleets hold no connections between operations: each run or status refresh opens at most `concurrency`.
      const { databaseUrl: _fleetUrl, ...fleetOverrides } = overrides;
      const fleets = openFleets(loaded, fleetOverrides, context);
      // Reports (status, history, the dashboard's polling) share a few kept-open connections per environment;
      // runs still open their own (see MigrationRunnerOptions.pool).
      const pools: pg.Pool[] = [];
      for (const [name, target] of targets) {
        const pool = createPool(target.runnerOptions.databaseUrl!, {
          max: READ_POOL_SIZE,
          applicationName: `ogel-migrate http reads p=${process.pid}`,
          onError: (error) => ctx.output.err(`environment ${name}: a pooled connection was lost: ${error.message}`),
        });
        pools.push(pool);
        targets.set(name, { ...target, runner: target.runner.withPool(pool) });
      }
      const tokens = resolveTokens(loaded, ctx.env);
      const defaultEnvironment = envName ?? loaded.config.defaultEnv;
      const { startServer } = await import('../../http/serve.js');
      const server = await startServer({
        targets,
        ...(defaultEnvironment && targets.has(defaultEnvironment) ? { defaultEnvironment } : {}),
        fleets,
        port,
        host: options.host,
        tokens,
      }).catch(async (error: unknown) => {
        await Promise.all(pools.map((pool) => pool.end()));
        throw error;
      });
      const served = [...targets.keys(), ...[...fleets.keys()].map((name) => `fleet ${name}`)];
      ctx.output.err(`ogel-migrate serving ${served.join(', ')} on ${server.url} (dashboard: ${server.url}/)`);
      if (server.generatedToken)
        ctx.output.err(`No OGEL_MIGRATE_TOKEN set: generated admin token (shown once): ${server.generatedToken}`);
      // SIGTERM (a redeploy) or Ctrl-C: stop accepting, let a running migration finish; a second one waits too.
      const signal = claimInterrupts(ctx, { onRepeat: 'ignore' });
      await new Promise<void>((resolve) => {
        const stop = () =>
          void server
            .shutdown()
            .then(() => Promise.all(pools.map((pool) => pool.end())))
            .then(() => resolve());
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      });
    });
}
