import { resolve } from 'node:path';
import { configPath } from '../config/resolve.js';
import type { Workspace } from '../environments/workspace.js';
import { OgelError } from '../errors.js';
import { BackupService } from './service.js';

/** A BackupService for the selected environment: flags > environment variables > config file > defaults. */
export function backupServiceFor(
  workspace: Workspace,
  env: NodeJS.ProcessEnv,
  cwd: string,
  flags: { backupDir?: string; keep?: number; keepDays?: number } = {},
): BackupService {
  const databaseUrl = workspace.runnerOptions.databaseUrl;
  if (!databaseUrl)
    throw new OgelError('INVALID_DATABASE_URL', 'Backups need a database URL: pass --database-url or --env');
  const config = workspace.loaded.config;
  const backupDir = flags.backupDir
    ? resolve(cwd, flags.backupDir)
    : env.OGEL_MIGRATE_BACKUP_DIR
      ? resolve(cwd, env.OGEL_MIGRATE_BACKUP_DIR)
      : (configPath(workspace.loaded, config.backupDir) ?? resolve(cwd, 'backups'));
  const pgBinDir = env.OGEL_MIGRATE_PG_BIN_DIR ?? configPath(workspace.loaded, config.pgBinDir);
  const keep = flags.keep ?? config.backupKeep;
  const keepDays = flags.keepDays ?? config.backupKeepDays;
  return new BackupService({
    runner: workspace.runner,
    databaseUrl,
    backupDir,
    env: workspace.environment?.name ?? null,
    ...(pgBinDir ? { pgBinDir } : {}),
    ...(keep !== undefined ? { keep } : {}),
    ...(keepDays !== undefined ? { keepDays } : {}),
  });
}
