import { planIdOf } from '../core/plan-id.js';
import type { BackupRecord } from '../backups/catalog.js';
import type { RestoreResult } from '../backups/service.js';
import { readAppliedRows } from '../db/tracking-store.js';
import { OgelError } from '../errors.js';
import { authorize, LIBRARY, type Principal } from './access.js';
import { auditOf, enforceConfirmation, type Confirmation, type Review } from './guards.js';
import { backupsOf, type Target } from './target.js';

export interface RestoreRequest extends Confirmation {
  backupId: string;
  /** Restore into this database instead of the target's own (no confirmation: nothing is replaced). */
  toDatabaseUrl?: string;
  jobs?: number;
  backupDir?: string;
}

export interface RestorePlan {
  environment: string;
  planId: string;
  backup: BackupRecord;
  review: Review;
}

/**
 * What restoring `backupId` over the target would replace, with the plan id a confirmation must name: a digest
 * of the backup and of the tracking table as it is now (a migration applied since the review changes it).
 */
export async function planRestore(
  target: Target,
  request: RestoreRequest,
  principal: Principal = LIBRARY,
): Promise<RestorePlan> {
  authorize(principal, target.name, 'read');
  const service = backupsOf(target, request.backupDir ? { backupDir: request.backupDir } : {});
  const backup = (await service.list()).find((b) => b.id === request.backupId);
  if (!backup) throw new OgelError('NOT_FOUND', `No backup ${request.backupId} (see ogel-migrate backups)`);
  const rows = await target.runner
    .withSession((session) => readAppliedRows(session.client, target.runner.tracking))
    .catch(() => []);
  const planId = planIdOf({
    scope: target.name,
    operation: 'restore',
    items: [{ version: backup.version ?? '0', checksum: backup.checksum, action: `restore:${backup.id}` }],
    rows,
  });
  const replaces = request.toDatabaseUrl === undefined;
  return {
    environment: target.name,
    planId,
    backup,
    review: {
      environment: target.name,
      protected: target.protected,
      requires: replaces ? { confirm: target.name, plan: planId } : null,
      promotion: null,
      backup: null,
    },
  };
}

/**
 * Restores a backup. Over the target's own database it replaces everything since the backup, so every
 * environment (not only protected ones) needs the confirmation bound to the restore plan; into another
 * database (`toDatabaseUrl`) it needs none.
 */
export async function restoreTarget(
  target: Target,
  request: RestoreRequest,
  principal: Principal = LIBRARY,
): Promise<RestoreResult & { environment: string }> {
  authorize(principal, target.name, 'write');
  const plan = await planRestore(target, request, principal);
  if (request.toDatabaseUrl === undefined) {
    enforceConfirmation({ ...target, protected: true }, request, plan.planId, [`restore ${plan.backup.id}`]);
  }
  const service = backupsOf(target, request.backupDir ? { backupDir: request.backupDir } : {});
  const result = await service.restore(request.backupId, {
    ...(request.toDatabaseUrl ? { toDatabaseUrl: request.toDatabaseUrl } : {}),
    ...(request.jobs ? { jobs: request.jobs } : {}),
    confirmed: true,
    audit: auditOf(principal, request),
  });
  return { ...result, environment: target.name };
}
