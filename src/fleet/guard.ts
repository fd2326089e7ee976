import { shouldBackupBeforeMigrate } from '../backups/before-migrate.js';
import type { Migration } from '../core/migration.js';
import { readAppliedRows } from '../db/tracking-store.js';
import { promotionError, promotionViolations, type PromotionViolation } from '../environments/promotion.js';
import { OgelError } from '../errors.js';
import { auditOf, type Confirmation } from '../app/guards.js';
import type { Principal } from '../app/access.js';
import { openTarget } from '../app/target.js';
import type { BeforeApply } from '../runner/runner.js';
import type { FleetMember } from './fleet.js';
import type { FleetReview } from './report.js';
import type { FleetRun } from './run.js';

/**
 * The environment rules, applied to a fleet once for the run, before any target is touched: promotion (the
 * upstream environment has applied every file this run may apply, with the same checksum; or forced with a
 * reason) and protection (a confirmation naming the fleet and the fleet plan id). Nothing changes anywhere on
 * a refusal. Each target's backup, when the policy asks for one, is taken under its own lock.
 */
export async function reviewFleet(
  run: FleetRun,
  input: { planId: string; candidates: readonly Migration[]; direction: 'up' | 'down'; skipBackup?: boolean },
): Promise<FleetReview> {
  const { fleet } = run;
  const violations = input.direction === 'up' ? await upstreamViolations(run, input.candidates) : [];
  return {
    fleet: fleet.name,
    protected: fleet.protected,
    requires: fleet.protected ? { confirm: fleet.name, plan: input.planId } : null,
    promotion: fleet.upstream && input.direction === 'up' ? { upstream: fleet.upstream, violations } : null,
    backup:
      fleet.kind === 'databases' && fleet.backupPolicy !== 'never' && !input.skipBackup
        ? { policy: fleet.backupPolicy }
        : null,
  };
}

/** Refuses (changing nothing) what the review says may not run: PROMOTION_REFUSED, CONFIRMATION_REQUIRED, PLAN_CHANGED. */
export function enforceFleetRules(
  review: FleetReview,
  planId: string,
  request: Confirmation & { forceReason?: string },
): void {
  const fleet = review.fleet;
  const violations = review.promotion?.violations ?? [];
  if (violations.length > 0 && request.forceReason === undefined) {
    throw promotionError(`fleet ${fleet}`, review.promotion!.upstream, violations);
  }
  if (review.protected && (request.confirm === undefined || request.plan === undefined)) {
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `Fleet ${fleet} is protected: plan ${planId} needs a confirmation naming ${fleet} and that plan id ` +
        `(CLI: --yes after reviewing it; HTTP: {"confirm": "${fleet}", "plan": "${planId}"}). Nothing was changed.`,
      { fleet, planId, requires: { confirm: fleet, plan: planId } },
    );
  }
  if (request.confirm !== undefined && request.confirm !== fleet) {
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `The confirmation names "${request.confirm}", but this is fleet ${fleet}. Nothing was changed.`,
      { fleet, planId, given: request.confirm, requires: { confirm: fleet, plan: planId } },
    );
  }
  if (request.plan !== undefined && request.plan !== planId) {
    throw new OgelError(
      'PLAN_CHANGED',
      `The fleet plan changed since it was reviewed (reviewed ${request.plan}, now ${planId}): the files, the ` +
        'options or the targets differ. Review the new plan and confirm it. Nothing was changed.',
      { fleet, reviewed: request.plan, planId },
    );
  }
}

/** Recorded in every event of every target's run: who, the fleet and its plan, the confirmation, a force. */
export function fleetAudit(
  run: FleetRun,
  planId: string,
  principal: Principal,
  request: Confirmation & { forceReason?: string },
  review: FleetReview,
): Record<string, unknown> {
  const forced = request.forceReason !== undefined ? (review.promotion?.violations ?? []) : [];
  return {
    ...auditOf(principal, request),
    fleet: run.fleet.name,
    fleetPlan: planId,
    ...(forced.length > 0 ? { forcedPromotion: { upstream: run.fleet.upstream, violations: forced } } : {}),
  };
}

/** Under one target's lock, before anything of it runs: its backup, when the fleet's policy asks for one. */
export function backupFirst(
  run: FleetRun,
  member: FleetMember,
  runner: Parameters<FleetRun['backups']>[1],
  direction: 'up' | 'down',
  review: FleetReview,
): BeforeApply {
  return async (ctx) => {
    if (!review.backup) return undefined;
    const destructive = run.files.destructive(ctx.migrations, direction);
    const due = shouldBackupBeforeMigrate(review.backup.policy, {
      protectedEnv: false,
      destructive,
      pending: ctx.migrations.length,
    });
    if (!due) return undefined;
    const what = direction === 'up' ? 'migrate' : 'rollback';
    const reason = `before ${what}: fleet ${run.fleet.name}, policy ${review.backup.policy}`;
    const backup = await run.backups(member, runner).create({ reason });
    return { audit: { backup: backup.id } };
  };
}

/** What the upstream environment has not applied (with the same checksum) of the files this run may apply. */
async function upstreamViolations(run: FleetRun, candidates: readonly Migration[]): Promise<PromotionViolation[]> {
  const { fleet } = run;
  if (!fleet.upstream || candidates.length === 0) return [];
  const upstream = openTarget(
    fleet.loaded,
    fleet.upstream,
    { dir: fleet.runnerOptions.dir },
    { ...fleet.context, database: 'required' },
  );
  const rows = await upstream.runner.withSession((session) =>
    readAppliedRows(session.client, upstream.runner.tracking),
  );
  return promotionViolations(candidates, rows);
}
