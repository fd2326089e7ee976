import type { Migration } from '../core/migration.js';
import { isDestructive } from '../lint/index.js';
import { parseStatements } from '../sql/parser.js';
import type { BackupService } from './service.js';

export type BackupPolicy = 'always' | 'destructive' | 'never';

/** Whether to back up before this run: protected environments always; otherwise per policy. Pure. */
export function shouldBackupBeforeMigrate(
  policy: BackupPolicy,
  run: { protectedEnv: boolean; destructive: boolean; pending: number },
): boolean {
  if (run.pending === 0) return false;
  if (run.protectedEnv) return true;
  if (policy === 'always') return true;
  return policy === 'destructive' && run.destructive;
}

/** Destructive per the linter's rules (DROP TABLE/COLUMN/SCHEMA, TRUNCATE, DELETE without WHERE, …). */
export function anyDestructive(migrations: readonly Migration[]): boolean {
  return migrations.some((m) => isDestructive(parseStatements(m.upSql, m.file)));
}

/**
 * A migrate gate: takes the backup under the migration lock, just before anything runs. A failed backup throws
 * BACKUP_FAILED and so stops the migration.
 */
export function backupGate(
  service: BackupService,
  policy: BackupPolicy,
  protectedEnv: boolean,
  onBackup?: (id: string, reason: string) => void,
) {
  return async (migrations: Migration[]): Promise<void> => {
    const destructive = anyDestructive(migrations);
    if (!shouldBackupBeforeMigrate(policy, { protectedEnv, destructive, pending: migrations.length })) return;
    const reason = protectedEnv
      ? 'before migrate: protected environment'
      : policy === 'always'
        ? 'before migrate: policy always'
        : 'before migrate: destructive migration';
    const backup = await service.create({ reason });
    onBackup?.(backup.id, reason);
  };
}
