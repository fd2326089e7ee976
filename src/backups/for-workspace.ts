import { resolve } from 'node:path';
import { configPath } from '../config/resolve.js';
import type { Workspace } from '../environments/workspace.js';
import { OgelError } from '../errors.js';
import { BackupService } from './service.js';
import type { S3Settings } from './store/store.js';

/** A BackupService for the selected environment: flags > environment variables > config file > defaults. */
export function backupServiceFor(
  workspace: Workspace,
  env: NodeJS.ProcessEnv,
  cwd: string,
  flags: { backupDir?: string; keep?: number; keepDays?: number } = {},
): BackupService {
  // Listing the store needs no database (it is the catalog of record when the database is gone); taking or
  // restoring a backup asks for it when it gets there.
  const databaseUrl = workspace.runnerOptions.databaseUrl || null;
  const config = workspace.loaded.config;
  const backupDir =
    storeLocation(flags.backupDir ?? env.OGEL_MIGRATE_BACKUP_DIR, cwd) ??
    (isUrl(config.backupDir) ? config.backupDir : configPath(workspace.loaded, config.backupDir)) ??
    resolve(cwd, 'backups');
  const pgBinDir = env.OGEL_MIGRATE_PG_BIN_DIR ?? configPath(workspace.loaded, config.pgBinDir);
  const keep = flags.keep ?? config.backupKeep;
  const keepDays = flags.keepDays ?? config.backupKeepDays;
  const lockWaitMs = workspace.runnerOptions.lockWaitMs;
  return new BackupService({
    runner: workspace.runner,
    databaseUrl,
    backupDir,
    s3: s3Settings(env, config.backupS3),
    env: workspace.environment?.name ?? null,
    ...(workspace.runnerOptions.clientName ? { clientName: workspace.runnerOptions.clientName } : {}),
    ...(pgBinDir ? { pgBinDir } : {}),
    ...(keep !== undefined ? { keep } : {}),
    ...(keepDays !== undefined ? { keepDays } : {}),
    ...(lockWaitMs !== undefined ? { lockWaitMs } : {}),
  });
}

/** OGEL_MIGRATE_S3_ENDPOINT / _FORCE_PATH_STYLE / _REGION over the config's backupS3 (region also AWS_REGION). */
export function s3Settings(env: NodeJS.ProcessEnv, config: S3Settings = {}): S3Settings {
  // An empty variable is unset (a CI template passes every variable, set or not).
  const pathStyle = env.OGEL_MIGRATE_S3_FORCE_PATH_STYLE || undefined;
  if (pathStyle !== undefined && !/^(1|0|true|false)$/.test(pathStyle))
    throw new OgelError('USAGE', `OGEL_MIGRATE_S3_FORCE_PATH_STYLE must be true or false (got "${pathStyle}")`);
  const endpoint = env.OGEL_MIGRATE_S3_ENDPOINT || config.endpoint;
  const region = env.OGEL_MIGRATE_S3_REGION || config.region;
  const forcePathStyle = pathStyle !== undefined ? pathStyle === '1' || pathStyle === 'true' : config.forcePathStyle;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(config.partSizeMb ? { partSizeMb: config.partSizeMb } : {}),
    ...(forcePathStyle !== undefined ? { forcePathStyle } : {}),
  };
}

/** A flag or variable: URLs (s3://, and unknown schemes, which the store refuses) as given, paths from cwd. */
function storeLocation(value: string | undefined, cwd: string): string | undefined {
  if (value === undefined) return undefined;
  return isUrl(value) ? value : resolve(cwd, value);
}

function isUrl(value: string | undefined): value is string {
  return value !== undefined && /^[a-z][a-z0-9+.-]+:/i.test(value);
}
