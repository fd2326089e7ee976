import { planIdOf } from '../core/plan-id.js';
import type { BackupRecord, RestoreResult } from '../backups/service.js';
import type { RestoreProgress } from '../backups/restore.js';
import type { LockHolder } from '../db/advisory-lock.js';
import { readAppliedRows } from '../db/tracking-store.js';
import { isOgelError, OgelError } from '../errors.js';
import { authorize, LIBRARY, type Principal } from './access.js';
import { auditOf, enforceConfirmation, type Confirmation, type Review } from './guards.js';
import type { Target } from './target.js';
import { backupsOf } from './backups-of.js';

export interface RestoreRequest extends Confirmation {
  backupId: string;
  /**
   * Restore into this database (a name on the same server, or a URL) instead of the target's own. A new
   * database needs no confirmation; an existing one is replaced only with `confirm` naming the target.
   */
  toDatabase?: string;
  jobs?: number;
  /** Keep the replaced database under a new name instead of dropping it. */
  keepReplaced?: boolean;
  /**
   * Restoring another environment's backup over this one's database (staging from a copy of prod) names that
   * environment: a store shared by every environment makes the wrong id an easy mistake.
   */
  fromEnvironment?: string;
  /** The store to read (a path or s3:// URL) when it is not the target's configured one. */
  backupDir?: string;
  onProgress?: (progress: RestoreProgress) => void;
  onLockWait?: (holder: LockHolder | null) => void;
  /** Stops the restore before its switch: the copy is dropped and nothing changes. */
  signal?: AbortSignal;
}

export interface RestorePlan {
  environment: string;
  planId: string;
  backup: BackupRecord;
  review: Review;
}

/**
 * What restoring `backupId` over the target would replace, with the plan id a confirmation must name: a digest
 * of the backup and of the tracking table as it is now (a migration applied since the review changes it; a
 * database that is gone has no tracking table). Reads the store, so it works after the database was dropped.
 */
export async function planRestore(
  target: Target,
  request: RestoreRequest,
  principal: Principal = LIBRARY,
): Promise<RestorePlan> {
  authorize(principal, target.name, 'read');
  const service = backupsOf(target, request.backupDir ? { backupDir: request.backupDir } : {});
  // Any backup in the store, whichever environment it was taken of.
  const backup = await service.find(request.backupId);
  // A database that is gone has nothing to replace: restoring it needs no confirmation.
  let gone = false;
  const rows = await target.runner
    .withSession((session) => readAppliedRows(session.client, target.runner.tracking))
    .catch((error: unknown) => {
      gone = isOgelError(error, 'DB_CONNECTION') && error.details.sqlState === '3D000';
      return [];
    });
  const planId = planIdOf({
    scope: target.name,
    operation: 'restore',
    items: [{ version: backup.version ?? '0', checksum: backup.checksum, action: `restore:${backup.id}` }],
    rows,
  });
  const replaces = request.toDatabase === undefined && !gone;
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
 * environment (not only protected ones) needs the confirmation bound to the restore plan. Into another
 * database (`toDatabase`) a new one needs none, and an existing one is replaced only with `confirm`.
 */
export async function restoreTarget(
  target: Target,
  request: RestoreRequest,
  principal: Principal = LIBRARY,
): Promise<RestoreResult & { environment: string }> {
  authorize(principal, target.name, 'write');
  let replacing = false;
  if (request.toDatabase === undefined) {
    const plan = await planRestore(target, request, principal);
    enforceOrigin(target, plan.backup, request.fromEnvironment);
    replacing = plan.review.requires !== null;
    if (replacing)
      enforceConfirmation(target, request, plan.planId, [`restore ${plan.backup.id}`], whyRestoreAsks(target));
  } else if (request.confirm !== undefined && request.confirm !== target.name) {
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `The confirmation names "${request.confirm}", but this is ${target.name}. Nothing was changed.`,
      {
        environment: target.name,
        given: request.confirm,
      },
    );
  }
  const service = backupsOf(target, request.backupDir ? { backupDir: request.backupDir } : {});
  const result = await service.restore(request.backupId, {
    ...(request.toDatabase !== undefined ? { toDatabase: request.toDatabase } : {}),
    ...(request.jobs ? { jobs: request.jobs } : {}),
    ...(request.keepReplaced ? { keepReplaced: true } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    ...(request.onLockWait ? { onLockWait: request.onLockWait } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    // Over the target's own database the confirmation was checked above (a database that was gone at the
    // review is not replaced should it appear meanwhile); elsewhere an explicit one replaces.
    confirmed: request.toDatabase === undefined ? replacing : request.confirm !== undefined,
    audit: auditOf(principal, request),
  });
  return { ...result, environment: target.name };
}

/**
 * Why a restore over the target's own database asks for a confirmation where the environment is not
 * protected (undefined where it is: protection says it): every surface gives the same reason.
 */
export function whyRestoreAsks(target: Target): string | undefined {
  return target.protected ? undefined : `Restoring replaces the database of ${target.name}`;
}

/** Another environment's backup goes over this one's database only when the request names where it is from. */
function enforceOrigin(target: Target, backup: BackupRecord, fromEnvironment: string | undefined): void {
  if (backup.env === null || backup.env === target.name || fromEnvironment === backup.env) return;
  throw new OgelError(
    'CONFIRMATION_REQUIRED',
    `Backup ${backup.id} is of environment ${backup.env}, not ${target.name}: restoring it over ${target.name}'s ` +
      `database needs --from-environment ${backup.env} (HTTP: "fromEnvironment": "${backup.env}"). Nothing was changed.`,
    { environment: target.name, backupEnvironment: backup.env, backup: backup.id },
  );
}
