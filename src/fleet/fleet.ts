import { basename, extname, resolve } from 'node:path';
import type { BackupPolicy } from '../backups/before-migrate.js';
import type { LoadedConfig } from '../config/load.js';
import type { FleetConfig } from '../config/fleet-schema.js';
import { configPath } from '../config/resolve.js';
import { OgelError } from '../errors.js';
import type { MigrationRunnerOptions } from '../runner/runner.js';
import type { Overrides, TargetContext } from '../app/target.js';
import { resolveMembers, type FleetSource } from './members.js';

/** One database (or one schema in a database) of a fleet. */
export interface FleetMember {
  /** How the fleet names it: a name from the source, else the database's (or schema's) name. */
  name: string;
  /** The database it lives in. May carry a password: never printed (output shows `name`). */
  databaseUrl: string;
  /** Schema fleets: the tenant's schema, which also holds its tracking table. */
  schema: string | null;
  /** Its `${name}` values: `target`, `database`, `schema` (schema fleets), the fleet's and its source's own. */
  values: Record<string, string>;
}

/**
 * Many databases or schemas that get the same migrations under the same rules: protection (a confirmation
 * naming the fleet, bound to a fleet plan id), promotion (`after` an environment), the backup policy. Its
 * targets are resolved when an operation starts (a control database's query sees tenants added since).
 */
export interface Fleet {
  name: string;
  kind: 'databases' | 'schemas';
  protected: boolean;
  /** The environment whose applied migrations bound what the fleet may apply, or null. */
  upstream: string | null;
  backupPolicy: BackupPolicy;
  /** Targets worked on at once by one worker: at most this many connections. */
  concurrency: number;
  canary: number;
  stopAfterFailures: number | null;
  /** How long a target another run holds is come back to before it counts as failed. */
  lockWaitMs: number;
  statusRefreshMs: number;
  /** What every member's runner starts from: files, tracking location, timeouts (no database). */
  runnerOptions: MigrationRunnerOptions;
  loaded: LoadedConfig;
  context: TargetContext;
  backupDir: string | undefined;
  source: FleetSource;
  /** Reads the targets now: the file, the control database's query, the schema list. */
  members(): Promise<FleetMember[]>;
}

/** Flags that select or shape a fleet (CLI, HTTP), beside the common ones. */
export interface FleetOverrides extends Omit<Overrides, 'databaseUrl'> {
  /** A file of URLs, one per line: a fleet without any config (`--targets tenants.txt`). */
  targetsFile?: string;
  /** Schemas of one database (`--schemas a,b --database-url URL`): a schema fleet without config. */
  schemas?: string[];
  databaseUrl?: string;
  concurrency?: number;
  placeholders?: Record<string, string>;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_STATUS_REFRESH_MS = 60_000;
const DEFAULT_FLEET_LOCK_WAIT_MS = 60_000;

/**
 * The fleet named `name` in the config, or one given by flags alone (`--targets FILE`, `--schemas`). Without
 * either, the config's only fleet. Settings: flags > the fleet's > the file's > defaults, as for environments.
 */
export function openFleet(
  loaded: LoadedConfig,
  name: string | undefined,
  overrides: FleetOverrides,
  context: TargetContext,
): Fleet {
  const fleets = loaded.config.fleets ?? {};
  const adHoc = overrides.targetsFile !== undefined || overrides.schemas !== undefined;
  if (adHoc && name !== undefined) {
    throw new OgelError('USAGE', `--fleet ${name} and --targets/--schemas both name the targets: give one`);
  }
  let fleetName: string;
  let settings: FleetConfig;
  if (adHoc) {
    settings = adHocFleet(overrides, context);
    fleetName = overrides.targetsFile
      ? basename(overrides.targetsFile, extname(overrides.targetsFile)) || 'targets'
      : 'schemas';
  } else {
    const names = Object.keys(fleets);
    fleetName = name ?? (names.length === 1 ? names[0]! : '');
    if (!fleets[fleetName]) {
      throw new OgelError(
        'CONFIG_INVALID',
        names.length === 0
          ? `No fleet: pass --targets FILE (one URL per line) or configure fleets in ${loaded.file ?? 'ogel-migrate.config.json'}`
          : name === undefined
            ? `${loaded.file} configures fleets ${names.join(', ')}: pass --fleet NAME`
            : `--fleet ${name}: unknown fleet (configured: ${names.join(', ')})`,
        { fleet: name ?? null, known: names },
      );
    }
    settings = fleets[fleetName]!;
  }
  const { config } = loaded;
  const pick = <T>(...values: Array<T | undefined>) => values.find((v) => v !== undefined);
  const runnerOptions: MigrationRunnerOptions = { clientName: context.clientName };
  const entries: Partial<MigrationRunnerOptions> = {
    dir: overrides.dir ?? context.env.OGEL_MIGRATE_DIR ?? configPath(loaded, config.dir) ?? 'migrations',
    schema: pick(overrides.schema, settings.schema, config.schema),
    table: pick(overrides.table, settings.table, config.table),
    eventsTable: config.eventsTable,
    ignore: pick(overrides.ignore, config.ignore),
    lockTimeoutMs: pick(overrides.lockTimeoutMs, settings.lockTimeoutMs, config.lockTimeoutMs),
    statementTimeoutMs: pick(overrides.statementTimeoutMs, settings.statementTimeoutMs, config.statementTimeoutMs),
    lockRetries: config.lockRetries,
  };
  for (const [key, value] of Object.entries(entries))
    if (value !== undefined) Object.assign(runnerOptions, { [key]: value });
  const source: FleetSource = sourceOf(loaded, fleetName, settings, adHoc);
  const placeholders = { ...settings.placeholders, ...overrides.placeholders };
  return {
    name: fleetName,
    kind: source.kind === 'schemas' ? 'schemas' : 'databases',
    protected: settings.protected ?? false,
    upstream: settings.after ?? null,
    backupPolicy: settings.backupPolicy ?? 'never',
    concurrency: overrides.concurrency ?? settings.concurrency ?? DEFAULT_CONCURRENCY,
    canary: settings.canary ?? 0,
    stopAfterFailures: settings.stopAfterFailures ?? null,
    lockWaitMs: pick(overrides.lockWaitMs, settings.lockWaitMs, config.lockWaitMs) ?? DEFAULT_FLEET_LOCK_WAIT_MS,
    statusRefreshMs: settings.statusRefreshMs ?? DEFAULT_STATUS_REFRESH_MS,
    runnerOptions,
    loaded,
    context,
    backupDir: overrides.backupDir,
    source,
    members: () => resolveMembers(source, placeholders, loaded, context.env),
  };
}

/** Every fleet in the config (the HTTP service serves them all). */
export function openFleets(
  loaded: LoadedConfig,
  overrides: FleetOverrides,
  context: TargetContext,
): Map<string, Fleet> {
  return new Map(
    Object.keys(loaded.config.fleets ?? {}).map((name) => [name, openFleet(loaded, name, overrides, context)]),
  );
}

function adHocFleet(overrides: FleetOverrides, context: TargetContext): FleetConfig {
  if (overrides.targetsFile !== undefined) {
    if (overrides.schemas !== undefined) throw new OgelError('USAGE', 'Give --targets or --schemas, not both');
    return { targetsFile: resolve(context.cwd, overrides.targetsFile) };
  }
  const databaseUrl = overrides.databaseUrl ?? context.env.DATABASE_URL;
  if (!databaseUrl) {
    throw new OgelError('INVALID_DATABASE_URL', '--schemas needs the database they live in: --database-url URL');
  }
  return { schemas: { databaseUrl, list: overrides.schemas! } };
}

function sourceOf(loaded: LoadedConfig, fleet: string, settings: FleetConfig, fromFlags: boolean): FleetSource {
  const key = `fleets.${fleet}`;
  if (settings.targets) return { kind: 'list', key: `${key}.targets`, targets: settings.targets };
  if (settings.targetsFile) return { kind: 'file', file: resolve(loaded.baseDir, settings.targetsFile) };
  if (settings.query) return { kind: 'query', key: `${key}.query`, ...settings.query };
  const { databaseUrl, list, query } = settings.schemas!;
  return {
    kind: 'schemas',
    key: `${key}.schemas`,
    databaseUrl,
    // A URL given as a flag is used as given; one in the config must be a reference (no committed password).
    literalUrl: fromFlags,
    ...(list ? { list } : {}),
    ...(query ? { query } : {}),
  };
}
