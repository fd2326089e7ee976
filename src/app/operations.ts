import type { Migration } from '../core/migration.js';
import type { MigratePlanOptions, RollbackPlanOptions } from '../core/plan.js';
import type { PromotionViolation } from '../environments/promotion.js';
import { anySignal } from '../db/interrupted.js';
import type {
  BaselineResult,
  BeforeApplyContext,
  MigrateResult,
  RepairResult,
  RollbackResult,
  RunOptions,
} from '../runner/runner.js';
import { authorize, LIBRARY, type Principal } from './access.js';
import {
  auditOf,
  backupDue,
  checkForceReason,
  enforceConfirmation,
  enforcePromotion,
  promotionCheck,
  takeBackupIfDue,
  type BackupTaken,
  type Confirmation,
  type Review,
} from './guards.js';
import type { Target } from './target.js';

/** What every guarded operation accepts besides its own options. */
export interface GuardedRequest extends Confirmation {
  /** Only plan, and show the review (what the rules require and will do); change nothing. */
  dryRun?: boolean;
  /** How long to wait for another run's lock (0: fail at once). */
  lockWaitMs?: number;
  /** Stops the run: the running statement is cancelled on the server (see RunOptions.signal). */
  signal?: AbortSignal;
  /** Ends the run between migrations: the running one finishes (see RunOptions.stopSignal). */
  stopSignal?: AbortSignal;
}

export interface MigrateRequest extends GuardedRequest, MigratePlanOptions {
  /** Apply although the upstream environment has not: the reason goes into the event log. */
  forceReason?: string;
  /** Skip the backup the policy would take first. */
  skipBackup?: boolean;
}

export interface RollbackRequest extends GuardedRequest, RollbackPlanOptions {
  skipBackup?: boolean;
}

export interface RepairRequest extends GuardedRequest {
  markApplied?: string[];
  removeMissing?: boolean;
}

/** Up to a version, or exactly the versions another tool recorded (an import's takeover), with event details. */
export type BaselineRequest = GuardedRequest &
  ({ to: string } | { versions: string[]; details?: Record<string, unknown> });

/** A promotion forced past the upstream, with the versions it skipped. */
export interface ForcedPromotion {
  reason: string;
  violations: PromotionViolation[];
}

/** A guarded operation's result: the runner's, with the environment, the rules' review and what they did. */
export type Guarded<R> = R & {
  environment: string;
  review: Review;
  /** The backup taken before the run, or null. */
  backup: BackupTaken | null;
  forced: ForcedPromotion | null;
};

/** Hooks a shell may pass to show what happens as it happens. */
export interface GuardHooks {
  onBackup?: (backup: BackupTaken) => void;
}

/**
 * Applies pending migrations under every rule of the target's environment: promotion (`after`, or forced with a
 * reason), protection (a confirmation bound to the plan id), the pre-migrate backup policy, out-of-order and
 * dry runs. The CLI, the HTTP service, the dashboard and embedders all call this; nothing changes on a refusal.
 */
export async function migrateTarget(
  target: Target,
  request: MigrateRequest = {},
  principal: Principal = LIBRARY,
  hooks: GuardHooks = {},
): Promise<Guarded<MigrateResult>> {
  checkForceReason(request.forceReason);
  const planOptions: MigratePlanOptions = {
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.outOfOrder ? { outOfOrder: true } : {}),
    ...(request.ignoreMissing ? { ignoreMissing: true } : {}),
  };
  return guarded(target, request, principal, {
    operation: 'migrate',
    direction: 'up',
    promotion: true,
    dryRun: () => target.runner.migrate({ ...planOptions, dryRun: true }),
    run: (options) => target.runner.migrate({ ...planOptions, ...options }),
    planned: (plan) => plan.planned.map((p) => p.version),
    hooks,
  });
}

/** Reverts newest first under the same rules: protection, and a backup first where the policy asks. */
export async function rollbackTarget(
  target: Target,
  request: RollbackRequest = {},
  principal: Principal = LIBRARY,
  hooks: GuardHooks = {},
): Promise<Guarded<RollbackResult>> {
  const planOptions: RollbackPlanOptions = {
    ...(request.steps !== undefined ? { steps: request.steps } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
  };
  return guarded(target, request, principal, {
    operation: 'rollback',
    direction: 'down',
    promotion: false,
    dryRun: () => target.runner.rollback({ ...planOptions, dryRun: true }),
    run: (options) => target.runner.rollback({ ...planOptions, ...options }),
    planned: (plan) => plan.planned.map((p) => p.version),
    hooks,
  });
}

/** Repairs the tracking table after a manual fix; protected environments need the confirmation. */
export async function repairTarget(
  target: Target,
  request: RepairRequest = {},
  principal: Principal = LIBRARY,
): Promise<Guarded<RepairResult>> {
  const options = {
    ...(request.markApplied ? { markApplied: request.markApplied } : {}),
    ...(request.removeMissing ? { removeMissing: true } : {}),
  };
  return guarded(target, request, principal, {
    operation: 'repair',
    direction: null,
    promotion: false,
    dryRun: () => target.runner.repair({ ...options, dryRun: true }),
    run: (run) => target.runner.repair({ ...options, ...run }),
    planned: (plan) => [...plan.removedFailed, ...plan.markedApplied, ...plan.realigned, ...plan.removedMissing],
    hooks: {},
  });
}

/** Records migrations that ran by hand as applied; protected environments need the confirmation. */
export async function baselineTarget(
  target: Target,
  request: BaselineRequest,
  principal: Principal = LIBRARY,
): Promise<Guarded<BaselineResult>> {
  const which =
    'versions' in request ? { versions: request.versions, details: request.details ?? {} } : { to: request.to };
  return guarded(target, request, principal, {
    operation: 'baseline',
    direction: null,
    promotion: false,
    dryRun: () => target.runner.baseline({ ...which, dryRun: true }),
    run: (options) => target.runner.baseline({ ...which, ...options }),
    planned: (plan) => plan.baselined.map((b) => b.version),
    hooks: {},
  });
}

interface GuardSpec<R extends { planId: string; runId: string }> {
  operation: BeforeApplyContext['operation'];
  /** What runs: ups, downs, or nothing (only tracking rows change: no backup). */
  direction: 'up' | 'down' | null;
  /** Whether `after` applies (only to what moves an environment forward). */
  promotion: boolean;
  dryRun: () => Promise<R & { dryRun: boolean }>;
  run: (options: RunOptions) => Promise<R>;
  planned: (plan: R) => string[];
  hooks: GuardHooks;
}

/**
 * The one implementation of the rules. A dry run returns the plan with its review. A run checks the rules on
 * a fresh plan first (so a refusal costs no lock wait), then again under the migration lock against the plan
 * as it is there — the authoritative check — and takes the backup there, before anything runs.
 */
async function guarded<R extends { planId: string; runId: string; dryRun: boolean }>(
  target: Target,
  request: GuardedRequest & { forceReason?: string; skipBackup?: boolean },
  principal: Principal,
  spec: GuardSpec<R>,
): Promise<Guarded<R>> {
  authorize(principal, target.name, request.dryRun ? 'read' : 'write');
  const promotionApplies = spec.promotion && target.upstream !== null;
  const needsPreview = request.dryRun || target.protected || promotionApplies || request.plan !== undefined;
  let review: Review = emptyReview(target);
  if (needsPreview) {
    const plan = await spec.dryRun();
    const planned = spec.planned(plan);
    const migrations = await plannedMigrations(target, planned);
    review = await reviewOf(target, spec, plan.planId, planned, migrations);
    if (request.dryRun) return { ...plan, environment: target.name, review, backup: null, forced: null };
    if (planned.length > 0) {
      if (promotionApplies) await enforcePromotion(target, migrations, request);
      enforceConfirmation(target, request, plan.planId, planned);
    }
  }
  let backup: BackupTaken | null = null;
  let forced: ForcedPromotion | null = null;
  const result = await spec.run({
    ...(request.lockWaitMs !== undefined ? { lockWaitMs: request.lockWaitMs } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
    actor: principal.actor,
    audit: auditOf(principal, request),
    beforeApply: async (ctx) => {
      if (promotionApplies) {
        const violations = await enforcePromotion(target, ctx.migrations, request, { runId: ctx.runId, principal });
        if (violations.length > 0) forced = { reason: request.forceReason!, violations };
      }
      enforceConfirmation(
        target,
        request,
        ctx.planId,
        ctx.migrations.map((m) => m.version),
      );
      if (spec.direction) {
        backup = await takeBackupIfDue(
          target,
          ctx.migrations,
          spec.direction,
          request.skipBackup,
          spec.hooks.onBackup,
          ctx.statements,
          // Nothing is applied yet: either stop ends the backup, and with it the run.
          anySignal(request.signal, request.stopSignal),
        );
      }
      return backup ? { audit: { backup: backup.id } } : undefined;
    },
  });
  return { ...result, environment: target.name, review, backup, forced };
}

/** The review shown with a plan: what confirmation it needs, what the upstream lacks, which backup comes first. */
async function reviewOf<R extends { planId: string; runId: string }>(
  target: Target,
  spec: GuardSpec<R>,
  planId: string,
  planned: string[],
  migrations: Migration[],
): Promise<Review> {
  const violations = spec.promotion && target.upstream ? await promotionCheck(target, migrations) : [];
  return {
    environment: target.name,
    protected: target.protected,
    requires: target.protected && planned.length > 0 ? { confirm: target.name, plan: planId } : null,
    promotion: spec.promotion && target.upstream ? { upstream: target.upstream, violations } : null,
    backup: spec.direction && planned.length > 0 ? backupDue(target, migrations, spec.direction) : null,
  };
}

function emptyReview(target: Target): Review {
  return { environment: target.name, protected: target.protected, requires: null, promotion: null, backup: null };
}

/** The planned versions' migrations as loaded from the target's files (for promotion and backup checks). */
async function plannedMigrations(target: Target, versions: readonly string[]): Promise<Migration[]> {
  if (versions.length === 0) return [];
  const set = await target.runner.source.load();
  const wanted = new Set(versions);
  return set.migrations.filter((m) => wanted.has(m.version));
}
