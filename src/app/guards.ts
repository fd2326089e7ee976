import type { Migration } from '../core/migration.js';
import { shouldBackupBeforeMigrate } from '../backups/before-migrate.js';
import { promotionError, promotionViolations, type PromotionViolation } from '../environments/promotion.js';
import { readAppliedRows } from '../db/tracking-store.js';
import { OgelError } from '../errors.js';
import { isDestructive } from '../lint/index.js';
import { parseStatements, type ParsedStatement } from '../sql/parser.js';
import type { Principal } from './access.js';
import { openUpstream, type Target } from './target.js';

/** What a change to a protected environment must carry, and what binds it to the plan that was reviewed. */
export interface Confirmation {
  /** The environment's name, typed back. */
  confirm?: string;
  /** The id of the plan that was reviewed (from a dry run, `plan --json` or GET /plan). */
  plan?: string;
}

/** What a plan shows before anyone confirms it: the rules that apply to this run and what they will do. */
export interface Review {
  environment: string;
  protected: boolean;
  /** What a change must carry (`{ confirm, plan }`), or null where no confirmation is needed. */
  requires: { confirm: string; plan: string } | null;
  /** The upstream environment (`after`) and what it has not applied of this plan; null without `after`. */
  promotion: { upstream: string; violations: PromotionViolation[] } | null;
  /** The backup that will be taken before the run, or null. */
  backup: { reason: string } | null;
}

/** A backup taken before a run. */
export interface BackupTaken {
  id: string;
  reason: string;
}

/** Who asked and what they confirmed or forced: recorded in the details of every event of the run. */
export function auditOf(
  principal: Principal,
  request: Confirmation & { forceReason?: string },
): Record<string, unknown> {
  return {
    actor: principal.actor,
    ...(request.confirm !== undefined || request.plan !== undefined
      ? { confirmation: { environment: request.confirm ?? null, plan: request.plan ?? null } }
      : {}),
    ...(request.forceReason !== undefined ? { forceReason: request.forceReason } : {}),
  };
}

/** What the upstream environment has not applied (with the same checksum) of `planned`; [] without `after`. */
export async function promotionCheck(target: Target, planned: readonly Migration[]): Promise<PromotionViolation[]> {
  const upstream = openUpstream(target);
  if (!upstream || planned.length === 0) return [];
  const rows = await upstream.runner.withSession((session) =>
    readAppliedRows(session.client, upstream.runner.tracking),
  );
  return promotionViolations(planned, rows);
}

/**
 * Promotion: refuse (PROMOTION_REFUSED, naming the versions the upstream lacks) unless forced with a reason;
 * a forced promotion is recorded as its own event with the reason and what was skipped.
 */
export async function enforcePromotion(
  target: Target,
  planned: readonly Migration[],
  request: { forceReason?: string },
  record?: { runId: string; principal: Principal },
): Promise<PromotionViolation[]> {
  const violations = await promotionCheck(target, planned);
  if (violations.length === 0) return violations;
  if (request.forceReason === undefined) throw promotionError(target.name, target.upstream!, violations);
  if (record) {
    await target.runner.recordEvent('promotion_override', {
      runId: record.runId,
      details: {
        actor: record.principal.actor,
        environment: target.name,
        upstream: target.upstream,
        reason: request.forceReason,
        violations,
      },
    });
  }
  return violations;
}

/** A force reason must say something: it is what the event log will show for skipping the rules. */
export function checkForceReason(reason: string | undefined): void {
  if (reason !== undefined && reason.trim() === '') {
    throw new OgelError('USAGE', 'A forced promotion needs a reason, e.g. --force-promotion "hotfix for INC-42"');
  }
}

/**
 * Protection: a protected environment changes only with `{ confirm: <its name>, plan: <the plan's id> }`, and
 * a plan id given anywhere must be the plan as it is now. Missing: CONFIRMATION_REQUIRED (HTTP 428); a plan
 * that moved since it was reviewed (files edited, someone else migrated): PLAN_CHANGED (409).
 */
export function enforceConfirmation(
  target: Target,
  request: Confirmation,
  planId: string,
  planned: readonly string[],
  /** Why a confirmation is needed where the environment itself is not protected (a restore replaces it). */
  because?: string,
): void {
  const required = target.protected || because !== undefined;
  if (required && (request.confirm === undefined || request.plan === undefined)) {
    const why = because ?? `${target.name} is protected`;
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `${why}: plan ${planId} (${planned.join(', ')}) needs a confirmation naming ${target.name} ` +
        `and that plan id (CLI: --yes after reviewing it; HTTP: {"confirm": "${target.name}", "plan": "${planId}"}). ` +
        'Nothing was changed.',
      { environment: target.name, planId, planned: [...planned], requires: { confirm: target.name, plan: planId } },
    );
  }
  if (request.confirm !== undefined && request.confirm !== target.name) {
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `The confirmation names "${request.confirm}", but this is ${target.name}. Nothing was changed.`,
      { environment: target.name, planId, given: request.confirm, requires: { confirm: target.name, plan: planId } },
    );
  }
  if (request.plan !== undefined && request.plan !== planId) {
    throw new OgelError(
      'PLAN_CHANGED',
      `The plan changed since it was reviewed (reviewed ${request.plan}, now ${planId}: ${planned.join(', ') || 'nothing'}). ` +
        'Review the new plan and confirm it. Nothing was changed.',
      { environment: target.name, reviewed: request.plan, planId, planned: [...planned] },
    );
  }
}

/**
 * The pre-run backup policy: protected environments always; otherwise `always`, or — for migrate —
 * `destructive` when the linter finds a destructive statement in what will run (DROP, TRUNCATE, DELETE without
 * WHERE, …). A rollback is destructive by nature (its downs drop what the ups made), so `destructive` would back
 * up every rollback in development: rollbacks are backed up on protected environments and under `always`.
 */
export function backupDue(
  target: Target,
  migrations: readonly Migration[],
  direction: 'up' | 'down',
  /** The scripts' statements when the caller parsed them already (in `migrations`' order). */
  parsed?: ReadonlyArray<readonly ParsedStatement[]>,
): { reason: string } | null {
  if (!target.runnerOptions.databaseUrl) return null;
  if (direction === 'down' && !target.protected && target.backupPolicy !== 'always') return null;
  // Only the `destructive` policy looks at the statements, and only where nothing else decides already.
  const matters = target.backupPolicy === 'destructive' && !target.protected && migrations.length > 0;
  const destructive =
    matters &&
    migrations.some((m, i) => {
      if (parsed?.[i]) return isDestructive(parsed[i]);
      const sql = direction === 'up' ? m.upSql : (m.downSql ?? '');
      return isDestructive(parseStatements(sql, direction === 'up' ? m.file : (m.downFile ?? m.file)));
    });
  const run = { protectedEnv: target.protected, destructive, pending: migrations.length };
  if (!shouldBackupBeforeMigrate(target.backupPolicy, run)) return null;
  const what = direction === 'up' ? 'migrate' : 'rollback';
  if (target.protected) return { reason: `before ${what}: protected environment` };
  if (target.backupPolicy === 'always') return { reason: `before ${what}: policy always` };
  return { reason: `before ${what}: destructive migration` };
}

/** Takes the backup the policy asks for, under the run's migration lock; a failed backup stops the run. */
export async function takeBackupIfDue(
  target: Target,
  migrations: readonly Migration[],
  direction: 'up' | 'down',
  skip: boolean | undefined,
  onBackup?: (backup: BackupTaken) => void,
  parsed?: ReadonlyArray<readonly ParsedStatement[]>,
  signal?: AbortSignal,
): Promise<BackupTaken | null> {
  const due = skip ? null : backupDue(target, migrations, direction, parsed);
  if (!due) return null;
  // Taken inside the run's gate, while its session holds the migration lock: the backup must not wait for it.
  // Loaded here, not at start-up: most runs take no backup.
  const { backupsOf } = await import('./backups-of.js');
  // The run's signal stops the backup too (INTERRUPTED before anything is applied): a dump can take minutes.
  const record = await backupsOf(target).create({ reason: due.reason, lockHeld: true, ...(signal ? { signal } : {}) });
  const taken = { id: record.id, reason: due.reason };
  onBackup?.(taken);
  return taken;
}
