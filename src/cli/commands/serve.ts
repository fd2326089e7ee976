import type { Command } from 'commander';
import type pg from 'pg';
import { createPool } from '../../db/connect.js';
import { environmentNames, resolveEnvironment } from '../../config/resolve.js';
import { runnerFor } from '../../environments/workspace.js';
import type { MigrationRunner } from '../../runner/runner.js';
import type { BackupService } from '../../backups/service.js';
import { backupServiceFor } from '../../backups/for-workspace.js';
import { addCommonOptions, openCliWorkspace, parseInteger, type CliContext, type CommonOptions } from '../context.js';

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
      const workspace = await openCliWorkspace({ ...options, json: true }, ctx, false, 'http');
      // One runner per configured environment, so the dashboard shows them all; else just this database.
      const runners = new Map<string, MigrationRunner>();
      const backups = new Map<string, BackupService>();
      const protectedEnvironments = new Set<string>();
      // Reports (status, history, the dashboard's polling) share a few kept-open connections per environment;
      // runs still open their own (see MigrationRunnerOptions.pool).
      const pools: pg.Pool[] = [];
      const withReadPool = (name: string, runner: MigrationRunner, url: string | undefined): MigrationRunner => {
        if (!url) return runner;
        const pool = createPool(url, {
          max: READ_POOL_SIZE,
          applicationName: `ogel-migrate http reads p=${process.pid}`,
          onError: (error) => ctx.output.err(`environment ${name}: a pooled connection was lost: ${error.message}`),
        });
        pools.push(pool);
        return runner.withPool(pool);
      };
      const names = environmentNames(workspace.loaded.config);
      const defaultEnvironment =
        workspace.environment?.name ??
        (names.length > 0 && !options.databaseUrl ? (workspace.loaded.config.defaultEnv ?? names[0]!) : 'default');
      if (names.length > 0 && !options.databaseUrl) {
        for (const name of names) {
          try {
            const environment = resolveEnvironment(workspace.loaded, name, ctx.env);
            const runner = runnerFor(workspace, environment);
            runners.set(name, withReadPool(name, runner, environment.databaseUrl));
            backups.set(
              name,
              backupServiceFor(
                {
                  ...workspace,
                  runner,
                  environment,
                  runnerOptions: { ...workspace.runnerOptions, databaseUrl: environment.databaseUrl },
                },
                ctx.env,
                ctx.cwd,
              ),
            );
            if (environment.protected) protectedEnvironments.add(name);
          } catch (error) {
            ctx.output.err(`environment ${name} skipped: ${(error as Error).message}`);
          }
        }
      } else {
        runners.set(
          defaultEnvironment,
          withReadPool(defaultEnvironment, workspace.runner, workspace.runnerOptions.databaseUrl),
        );
        if (workspace.runnerOptions.databaseUrl)
          backups.set(defaultEnvironment, backupServiceFor(workspace, ctx.env, ctx.cwd));
      }
      const port = parseInteger(options.port ?? ctx.env.PORT ?? '8080', '--port')!;
      const { startServer } = await import('../../http/serve.js');
      const server = await startServer({
        runners,
        backups,
        defaultEnvironment: runners.has(defaultEnvironment) ? defaultEnvironment : [...runners.keys()][0]!,
        protectedEnvironments,
        port,
        host: options.host,
        adminToken: ctx.env.OGEL_MIGRATE_TOKEN,
        readToken: ctx.env.OGEL_MIGRATE_READ_TOKEN,
      });
      ctx.output.err(
        `ogel-migrate serving ${[...runners.keys()].join(', ')} on ${server.url} (dashboard: ${server.url}/)`,
      );
      if (server.generatedToken)
        ctx.output.err(`No OGEL_MIGRATE_TOKEN set: generated admin token (shown once): ${server.state.adminToken}`);
      await new Promise<void>((resolve) => {
        const stop = () =>
          void server
            .shutdown()
            .then(() => Promise.all(pools.map((pool) => pool.end())))
            .then(() => resolve());
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
