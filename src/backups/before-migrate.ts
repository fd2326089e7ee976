export type BackupPolicy = 'always' | 'destructive' | 'never';

/**
 * Whether to back up before this run: protected environments always; otherwise per policy. Pure. The guarded
 * operations (src/app/guards.ts) take the backup under the run's lock when this says so.
 */
export function shouldBackupBeforeMigrate(
  policy: BackupPolicy,
  run: { protectedEnv: boolean; destructive: boolean; pending: number },
): boolean {
  if (run.pending === 0) return false;
  if (run.protectedEnv) return true;
  if (policy === 'always') return true;
  return policy === 'destructive' && run.destructive;
}
