import type { Command } from 'commander';
import { OgelError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { openTarget, type Overrides, type Target } from '../app/target.js';
import type { Principal } from '../app/access.js';
import { currentIdentity } from '../db/identity.js';
import { attachProgress } from './progress.js';
import { MAX_TIMEOUT_MS } from '../runner/options.js';
import type { Output } from './output.js';
import { NO_INTERRUPTS, type Interrupts } from './interrupt.js';

/** What every command needs from the outside world: output, environment and where it runs. */
export interface CliContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The exit status the process ends with (commands set it; errors are mapped by main). */
  exitCode: number;
  /** Whether a human can answer a confirmation prompt. */
  interactive: boolean;
  /** SIGINT/SIGTERM, when the CLI runs as its own process (see Interrupts and {@link claimInterrupts}). */
  interrupts?: Interrupts;
}

/** A long-running command takes over SIGINT/SIGTERM: they abort the returned signal instead of ending the process. */
export function claimInterrupts(ctx: CliContext, options?: { onRepeat?: 'exit' | 'ignore' }): AbortSignal {
  return (ctx.interrupts ?? NO_INTERRUPTS).claim(options);
}

/** Options shared by every command that talks to a database. */
export interface CommonOptions {
  databaseUrl?: string;
  dir?: string;
  json?: boolean;
  schema?: string;
  table?: string;
  lockTimeout?: string;
  statementTimeout?: string;
  lockWait?: string;
  ignore?: string[];
  backupDir?: string;
  env?: string;
  config?: string;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL)')
    .option('--dir <dir>', 'migrations directory', undefined)
    .option('--json', 'print one JSON object instead of text')
    .option('--schema <name>', 'schema of the tracking tables (default: platform)')
    .option('--table <name>', 'tracking table (default: schema_migrations)')
    .option('--lock-timeout <ms>', 'lock_timeout for each migration statement (default: 5000)')
    .option(
      '--statement-timeout <ms>',
      "statement_timeout for each statement, 0 = none (default: the server's setting)",
    )
    .option('--lock-wait <ms>', 'how long to wait for another run to finish (default: 60000)')
    .option('--ignore <glob...>', 'file names to ignore (default: test_*.sql)')
    .option('--env <name>', 'environment from the config file (dev, staging, prod, …); default $OGEL_MIGRATE_ENV')
    .option(
      '--config <file>',
      'config file (default: ogel-migrate.config.{json,js,mjs,ts} found walking up from here)',
    );
}

/** Parses a non-negative integer flag; bad input is a usage error naming the flag. */
export function parseInteger(
  value: string | undefined,
  flag: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new OgelError('USAGE', `${flag} must be an integer ≥ ${min} (got "${value}")`);
  }
  if (Number(value) > max) throw new OgelError('USAGE', `${flag} must be at most ${max} (got "${value}")`);
  return Number(value);
}

/** Config file, `--env` and flags resolved into a target (with progress output when asked). */
export async function openCliTarget(
  options: CommonOptions,
  ctx: CliContext,
  settings: { progress?: boolean; database?: 'required' | 'optional'; clientName?: string } = {},
): Promise<Target> {
  const loaded = await loadConfig(ctx.cwd, options.config ?? ctx.env.OGEL_MIGRATE_CONFIG);
  const target = openTarget(loaded, options.env ?? ctx.env.OGEL_MIGRATE_ENV, overridesFrom(options), {
    env: ctx.env,
    cwd: ctx.cwd,
    clientName: settings.clientName ?? 'cli',
    database: settings.database ?? 'required',
  });
  if (settings.progress && !options.json) attachProgress(target.runner, ctx.output);
  return target;
}

/** The flags every database command shares, as target overrides. */
export function overridesFrom(options: CommonOptions): Overrides {
  return {
    databaseUrl: options.databaseUrl,
    dir: options.dir,
    schema: options.schema,
    table: options.table,
    ignore: options.ignore,
    lockTimeoutMs: parseInteger(options.lockTimeout, '--lock-timeout', 1, MAX_TIMEOUT_MS),
    statementTimeoutMs: parseInteger(options.statementTimeout, '--statement-timeout', 0, MAX_TIMEOUT_MS),
    lockWaitMs: parseInteger(options.lockWait, '--lock-wait', 0, MAX_TIMEOUT_MS),
    backupDir: options.backupDir,
  };
}

/** The person at the terminal: the CLI holds the database credentials, so it may act on every environment. */
export function cliPrincipal(): Principal {
  return { actor: currentIdentity('cli').client, role: 'admin' };
}
