import { readAppliedRows } from '../db/tracking-store.js';
import type { Migration } from '../core/migration.js';
import { OgelError } from '../errors.js';
import { MigrationRunner, type BeforeApply, type MigrationRunnerOptions } from '../runner/runner.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { configPath, resolveEnvironment, type ResolvedEnvironment } from '../config/resolve.js';
import { promotionError, promotionViolations } from './promotion.js';

/** Settings given on the command line or in a request; they win over the environment and the config file. */
export interface Overrides {
  databaseUrl?: string;
  dir?: string;
  schema?: string;
  table?: string;
  ignore?: string[];
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  lockWaitMs?: number;
}

/** Config file + selected environment + overrides, resolved once per command. */
export interface Workspace {
  loaded: LoadedConfig;
  environment: ResolvedEnvironment | null;
  runnerOptions: MigrationRunnerOptions;
  runner: MigrationRunner;
}

/**
 * Precedence: flags > environment variables > the selected environment's settings > the file's top level >
 * defaults. `--env NAME` takes the database URL from the environment's `env:` reference, not $DATABASE_URL.
 */
export async function openWorkspace(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  configFile?: string;
  envName?: string;
  overrides: Overrides;
  clientName: string;
}): Promise<Workspace> {
  const loaded = await loadConfig(options.cwd, options.configFile ?? options.env.OGEL_MIGRATE_CONFIG);
  const envName = options.envName ?? options.env.OGEL_MIGRATE_ENV;
  const environment = envName ? resolveEnvironment(loaded, envName, options.env) : null;
  const runnerOptions = buildRunnerOptions(loaded, environment, options);
  return { loaded, environment, runnerOptions, runner: new MigrationRunner(runnerOptions) };
}

/** The same settings against another environment (the upstream of a promotion, or the other side of a diff). */
export function runnerFor(workspace: Workspace, environment: ResolvedEnvironment): MigrationRunner {
  return new MigrationRunner({ ...workspace.runnerOptions, databaseUrl: environment.databaseUrl });
}

function buildRunnerOptions(
  loaded: LoadedConfig,
  environment: ResolvedEnvironment | null,
  options: { cwd: string; env: NodeJS.ProcessEnv; overrides: Overrides; clientName: string },
): MigrationRunnerOptions {
  const { config } = loaded;
  const o = options.overrides;
  const e = environment?.settings;
  const databaseUrl =
    o.databaseUrl ?? environment?.databaseUrl ?? options.env.DATABASE_URL ?? defaultEnvironmentUrl(loaded, options.env);
  const dir = o.dir ?? options.env.OGEL_MIGRATE_DIR ?? configPath(loaded, config.dir) ?? 'migrations';
  const pick = <T>(...values: Array<T | undefined>) => values.find((v) => v !== undefined);
  const result: MigrationRunnerOptions = { dir, clientName: options.clientName };
  const entries: Partial<MigrationRunnerOptions> = {
    databaseUrl,
    schema: pick(o.schema, config.schema),
    table: pick(o.table, config.table),
    eventsTable: config.eventsTable,
    ignore: pick(o.ignore, config.ignore),
    lockTimeoutMs: pick(o.lockTimeoutMs, e?.lockTimeoutMs, config.lockTimeoutMs),
    statementTimeoutMs: pick(o.statementTimeoutMs, e?.statementTimeoutMs, config.statementTimeoutMs),
    lockWaitMs: pick(o.lockWaitMs, e?.lockWaitMs, config.lockWaitMs),
    lockRetries: config.lockRetries,
  };
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) Object.assign(result, { [key]: value });
  return result;
}

/** Without --env, the default environment's URL if its variable is set; offline commands need none. */
function defaultEnvironmentUrl(loaded: LoadedConfig, env: NodeJS.ProcessEnv): string | undefined {
  const name = loaded.config.defaultEnv;
  if (!name) return undefined;
  try {
    return resolveEnvironment(loaded, name, env).databaseUrl;
  } catch (error) {
    if (error instanceof OgelError && error.code === 'CONFIG_INVALID' && error.details.variable) return undefined;
    throw error;
  }
}

/**
 * Enforces `after: X`: every migration about to run must have been applied in X with the same checksum. With
 * `forceReason` it proceeds and records a `promotion_override` event carrying the reason and what was skipped.
 */
export function promotionGate(
  workspace: Workspace,
  env: NodeJS.ProcessEnv,
  forceReason: string | undefined,
): BeforeApply | undefined {
  const environment = workspace.environment;
  if (!environment?.after) return undefined;
  const upstream = resolveEnvironment(workspace.loaded, environment.after, env);
  return async (planned: Migration[], runId: string) => {
    const upstreamRunner = runnerFor(workspace, upstream);
    const rows = await upstreamRunner.withSession((session) =>
      readAppliedRows(session.client, upstreamRunner.tracking),
    );
    const violations = promotionViolations(planned, rows);
    if (violations.length === 0) return;
    if (forceReason === undefined) throw promotionError(environment.name, upstream.name, violations);
    if (forceReason.trim() === '')
      throw new OgelError('USAGE', '--force-promotion needs a reason, e.g. --force-promotion "hotfix for INC-42"');
    await workspace.runner.recordEvent('promotion_override', {
      runId,
      details: { environment: environment.name, upstream: upstream.name, reason: forceReason, violations },
    });
  };
}
