import type { BackupPolicy } from '../backups/before-migrate.js';
import type { LoadedConfig } from '../config/load.js';
import { configPath, environmentNames, resolveEnvironment, type ResolvedEnvironment } from '../config/resolve.js';
import { OgelError } from '../errors.js';
import { MigrationRunner, type MigrationRunnerOptions } from '../runner/runner.js';
import { sameDatabase } from '../db/url.js';
import { DEFAULT_EXECUTION } from '../db/execute-script.js';
import { DEFAULT_LOCK_WAIT_MS } from '../runner/runner.js';

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
  /** Where this target's backups go (--backup-dir). */
  backupDir?: string;
}

/** Where a target is opened from: the process environment, the working directory, and which surface asks. */
export interface TargetContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `cli`, `http`, `demo`, `library`: recorded in applied_by and events. */
  clientName: string;
  /**
   * `required`: fail now, naming the missing setting, when no database URL can be found. `optional`: commands
   * that also work offline (lint, validate, ci) get a target without one.
   */
  database?: 'required' | 'optional';
}

/**
 * One database that operations act on: an environment from the config (with its rules) or a plain URL. Every
 * surface (CLI, HTTP, dashboard, library) gets its runner from here, so every per-environment setting reaches
 * every surface, and the guarded operations (src/app/operations.ts) read the rules from here.
 */
export interface Target {
  /** The environment's name, or `default` for a plain URL. */
  name: string;
  /** The configured environment, or null for a plain URL that matches none. */
  environment: ResolvedEnvironment | null;
  /** Changes need a confirmation bound to a plan id, and take a backup first. */
  protected: boolean;
  /** The environment this one only follows (`after`): it applies only what that one applied. */
  upstream: string | null;
  backupPolicy: BackupPolicy;
  loaded: LoadedConfig;
  runnerOptions: MigrationRunnerOptions;
  runner: MigrationRunner;
  context: TargetContext;
  /** A backup location given as a flag (otherwise $OGEL_MIGRATE_BACKUP_DIR, the config's backupDir, ./backups). */
  backupDir: string | undefined;
}

/**
 * Turns config + environment + overrides into a target. Which database, in order: `environment` (from --env or
 * $OGEL_MIGRATE_ENV) or else the config's `defaultEnv`; an explicit URL (--database-url) wins for the URL but
 * keeps the rules of the environment it belongs to (a URL that is prod's is treated as prod); $DATABASE_URL
 * counts only where no environment is selected. Settings: overrides > the environment's > the file's > defaults.
 */
export function openTarget(
  loaded: LoadedConfig,
  environmentName: string | null | undefined,
  overrides: Overrides,
  context: TargetContext,
): Target {
  const names = environmentNames(loaded.config);
  const explicitUrl = overrides.databaseUrl;
  // A URL that is one environment's database gets that environment's rules, however it was given.
  const owner = (url: string | undefined) =>
    url === undefined
      ? undefined
      : names.find((name) => sameDatabaseAs(environmentUrl(loaded, name, context.env), url));
  let environment: ResolvedEnvironment | null = null;
  let databaseUrl = explicitUrl;
  if (environmentName) {
    environment = resolveForTarget(loaded, environmentName, context, explicitUrl !== undefined);
    const other = owner(explicitUrl);
    if (other !== undefined && other !== environmentName) {
      throw new OgelError(
        'CONFIG_INVALID',
        `--database-url is environment ${other}'s database, not ${environmentName}'s`,
        {
          env: environmentName,
          owner: other,
        },
      );
    }
    databaseUrl ??= environment.databaseUrl || undefined;
  } else if (explicitUrl !== undefined) {
    const other = owner(explicitUrl);
    if (other !== undefined) environment = resolveEnvironment(loaded, other, context.env);
  } else if (loaded.config.defaultEnv !== undefined) {
    environment = resolveForTarget(loaded, loaded.config.defaultEnv, context, false);
    databaseUrl = environment.databaseUrl || undefined;
  } else if (names.length > 0) {
    // Environments exist but none is selected: $DATABASE_URL counts only if it is one of theirs (and gets its
    // rules); otherwise it could be any of them, so a database command asks which.
    const other = owner(context.env.DATABASE_URL);
    if (other !== undefined) {
      environment = resolveEnvironment(loaded, other, context.env);
      databaseUrl = environment.databaseUrl;
    } else if (context.database === 'required') {
      throw new OgelError(
        'CONFIG_INVALID',
        `${loaded.file ?? 'The config'} configures environments (${names.join(', ')}) but none is selected: pass ` +
          '--env NAME (or set OGEL_MIGRATE_ENV), or set defaultEnv in the config file',
        { file: loaded.file, known: names },
      );
    }
  } else {
    databaseUrl = context.env.DATABASE_URL;
  }
  if (databaseUrl === undefined && context.database === 'required') {
    throw new OgelError('INVALID_DATABASE_URL', 'No database URL: pass --database-url, --env NAME or set DATABASE_URL');
  }
  const runnerOptions = buildRunnerOptions(loaded, environment, databaseUrl, overrides, context);
  const settings = environment?.settings;
  return {
    name: environment?.name ?? 'default',
    environment,
    protected: environment?.protected ?? false,
    upstream: environment?.after ?? null,
    backupPolicy: settings?.backupPolicy ?? loaded.config.backupPolicy ?? 'destructive',
    loaded,
    runnerOptions,
    runner: new MigrationRunner(runnerOptions),
    context,
    backupDir: overrides.backupDir,
  };
}

/** Every configured environment that can be opened (the HTTP service serves them all), and why others cannot. */
export function openTargets(
  loaded: LoadedConfig,
  overrides: Omit<Overrides, 'databaseUrl'>,
  context: TargetContext,
): { targets: Map<string, Target>; skipped: Array<{ name: string; error: OgelError }> } {
  const targets = new Map<string, Target>();
  const skipped: Array<{ name: string; error: OgelError }> = [];
  for (const name of environmentNames(loaded.config)) {
    try {
      targets.set(name, openTarget(loaded, name, overrides, { ...context, database: 'required' }));
    } catch (error) {
      if (!(error instanceof OgelError)) throw error;
      skipped.push({ name, error });
    }
  }
  return { targets, skipped };
}

/** The settings a target's runs use, as every surface reports them. */
export function settingsOf(target: Target): {
  lockTimeoutMs: number;
  statementTimeoutMs: number | null;
  lockWaitMs: number;
  backupPolicy: BackupPolicy;
} {
  const o = target.runnerOptions;
  return {
    lockTimeoutMs: o.lockTimeoutMs ?? DEFAULT_EXECUTION.lockTimeoutMs,
    statementTimeoutMs: o.statementTimeoutMs ?? null,
    lockWaitMs: o.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    backupPolicy: target.backupPolicy,
  };
}

/** The environment this target follows (`after`), with that environment's own settings. */
export function openUpstream(target: Target): Target | null {
  if (!target.upstream) return null;
  const { databaseUrl: _url, ...overrides } = overridesOf(target);
  return openTarget(target.loaded, target.upstream, overrides, { ...target.context, database: 'required' });
}

/** Another database with this target's files and settings (a diff's other side, `ci --lint-against URL`). */
export function openTargetForUrl(target: Target, databaseUrl: string): Target {
  return openTarget(
    target.loaded,
    null,
    { ...overridesOf(target), databaseUrl },
    { ...target.context, database: 'required' },
  );
}

/** Overrides that reproduce this target's files and tracking location on another database. */
function overridesOf(target: Target): Overrides {
  const o = target.runnerOptions;
  return { dir: o.dir, schema: o.schema, table: o.table, ignore: o.ignore, backupDir: target.backupDir };
}

function resolveForTarget(
  loaded: LoadedConfig,
  name: string,
  context: TargetContext,
  urlGiven: boolean,
): ResolvedEnvironment {
  try {
    return resolveEnvironment(loaded, name, context.env);
  } catch (error) {
    // The environment's URL variable is unset: an explicit --database-url still works with its rules, and an
    // offline command needs no URL; a database command is told which key and variable are missing.
    const variable = error instanceof OgelError ? error.details.variable : undefined;
    if (variable === undefined || (!urlGiven && context.database === 'required')) throw error;
    const settings = loaded.config.environments![name]!;
    return { name, databaseUrl: '', after: settings.after, protected: settings.protected ?? false, settings };
  }
}

function environmentUrl(loaded: LoadedConfig, name: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return resolveEnvironment(loaded, name, env).databaseUrl;
  } catch {
    return undefined;
  }
}

function sameDatabaseAs(a: string | undefined, b: string): boolean {
  return a !== undefined && sameDatabase(a, b);
}

function buildRunnerOptions(
  loaded: LoadedConfig,
  environment: ResolvedEnvironment | null,
  databaseUrl: string | undefined,
  o: Overrides,
  context: TargetContext,
): MigrationRunnerOptions {
  const { config } = loaded;
  const e = environment?.settings;
  const pick = <T>(...values: Array<T | undefined>) => values.find((v) => v !== undefined);
  const entries: Partial<MigrationRunnerOptions> = {
    databaseUrl,
    name: environment?.name,
    schema: pick(o.schema, config.schema),
    table: pick(o.table, config.table),
    eventsTable: config.eventsTable,
    ignore: pick(o.ignore, config.ignore),
    lockTimeoutMs: pick(o.lockTimeoutMs, e?.lockTimeoutMs, config.lockTimeoutMs),
    statementTimeoutMs: pick(o.statementTimeoutMs, e?.statementTimeoutMs, config.statementTimeoutMs),
    lockWaitMs: pick(o.lockWaitMs, e?.lockWaitMs, config.lockWaitMs),
    lockRetries: config.lockRetries,
  };
  const result: MigrationRunnerOptions = {
    dir: o.dir ?? context.env.OGEL_MIGRATE_DIR ?? configPath(loaded, config.dir) ?? 'migrations',
    clientName: context.clientName,
  };
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) Object.assign(result, { [key]: value });
  return result;
}
