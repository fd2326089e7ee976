import { backupServiceFor } from '../backups/for-workspace.js';
import type { BackupService } from '../backups/service.js';
import type { Target } from './target.js';

/**
 * The backup service of this target (backupDir, retention, pg tools: flags > environment variables > config).
 * Apart from target.ts so that opening a target does not load the backup stores (zod manifests, streams, the
 * S3 glue): a migrate loads them only when its policy takes a backup.
 */
export function backupsOf(
  target: Target,
  flags: { backupDir?: string; keep?: number; keepDays?: number } = {},
): BackupService {
  const backupDir = flags.backupDir ?? target.backupDir;
  return backupServiceFor(target, target.context.env, target.context.cwd, {
    ...flags,
    ...(backupDir ? { backupDir } : {}),
  });
}
