import type { Migration } from '../core/migration.js';
import { planMigrate, planRollback, type MigratePlanOptions, type RollbackPlanOptions } from '../core/plan.js';
import { fleetPlanIdOf } from '../core/fleet-plan-id.js';
import { compareVersions, isValidVersion } from '../core/version.js';
import { OgelError } from '../errors.js';
import { authorize, LIBRARY, type Principal } from '../app/access.js';
import type { Confirmation } from '../app/guards.js';
import type { StatusReport } from '../core/status.js';
import type { MigrationRunner, RunOptions } from '../runner/runner.js';
import type { Fleet } from './fleet.js';
import { backupFirst, enforceFleetRules, fleetAudit, reviewFleet } from './guard.js';
import {
  locked,
  operate,
  readOnly,
  result,
  withRun,
  type FleetHooks,
  type FleetRequest,
  type Members,
} from './operate.js';
import type { FleetReport, FleetReview } from './report.js';

export type { FleetHooks, FleetProgress, FleetRequest } from './operate.js';

interface RolloutRequest extends FleetRequest, Confirmation {
  /** Only plan: read every target, change nothing. */
  dryRun?: boolean;
  /** The first K targets go first; a failure among them stops the run (default: the fleet's). */
  canary?: number;
  /** Stop starting targets after K failed or unreachable ones (default: the fleet's, else never). */
  stopAfterFailures?: number;
  skipBackup?: boolean;
}

export interface FleetMigrateRequest extends RolloutRequest, MigratePlanOptions {
  /** Apply although the upstream environment has not; recorded in every event. */
  forceReason?: string;
}

export interface FleetRollbackRequest extends RolloutRequest, RollbackPlanOptions {}

/** Every target's state: up to date, behind (pending), failed (needs a human), unreachable. Read-only. */
export async function fleetStatus(
  fleet: Fleet,
  request: FleetRequest = {},
  principal: Principal = LIBRARY,
  hooks: FleetHooks = {},
): Promise<FleetReport> {
  authorize(principal, fleet.name, 'read');
  return operate(fleet, request, hooks, 'status', async ({ run, members }) => ({
    planId: null,
    review: null,
    findings: [],
    attempt: (member) =>
      readOnly(member, members, run.runner(member), (report) => {
        const problems = report.migrations.filter((m) => ['failed', 'modified', 'missing'].includes(m.state));
        const pending = report.migrations.filter((m) => m.state === 'pending').map((m) => m.version);
        if (problems.length > 0) {
          const message = problems.map((m) => `${m.version} ${m.state}${m.error ? `: ${m.error}` : ''}`).join('; ');
          return result(member, members, 'failed', {
            versions: problems.map((m) => m.version),
            current: report.current,
            error: { code: refusalCode(problems.map((m) => m.state)), message },
          });
        }
        return result(member, members, pending.length > 0 ? 'behind' : 'up-to-date', {
          versions: pending,
          current: report.current,
        });
      }),
  }));
}

/**
 * Applies pending migrations to every target under the fleet's rules (see reviewFleet): canaries first,
 * `concurrency` targets at once, a target another worker holds come back to, stopped after
 * `stopAfterFailures` failures. A dry run plans every target and changes nothing. Re-running continues where
 * the last run stopped: each target's state is its own tracking table.
 */
export async function fleetMigrate(
  fleet: Fleet,
  request: FleetMigrateRequest = {},
  principal: Principal = LIBRARY,
  hooks: FleetHooks = {},
): Promise<FleetReport> {
  const planOptions: MigratePlanOptions = {
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.outOfOrder ? { outOfOrder: true } : {}),
    ...(request.ignoreMissing ? { ignoreMissing: true } : {}),
  };
  return rollout(fleet, request, principal, hooks, {
    operation: 'migrate',
    direction: 'up',
    identity: migrateIdentity,
    planned: (report) => planMigrate(report, planOptions),
    run: async (runner, options) => {
      const done = await runner.migrate({ ...planOptions, ...options });
      return { changed: done.applied.map((a) => a.version), current: done.current };
    },
    changed: 'applied',
  });
}

/** Reverts on every target (`steps` newest, or down `to` a version) under the same rules as fleetMigrate. */
export async function fleetRollback(
  fleet: Fleet,
  request: FleetRollbackRequest = {},
  principal: Principal = LIBRARY,
  hooks: FleetHooks = {},
): Promise<FleetReport> {
  const planOptions: RollbackPlanOptions = {
    ...(request.steps !== undefined ? { steps: request.steps } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
  };
  return rollout(fleet, request, principal, hooks, {
    operation: 'rollback',
    direction: 'down',
    identity: rollbackIdentity,
    planned: (report) => planRollback(report, planOptions),
    run: async (runner, options) => {
      const done = await runner.rollback({ ...planOptions, ...options });
      return { changed: done.reverted.map((a) => a.version), current: done.current };
    },
    changed: 'reverted',
  });
}

/** What a migrate and a rollback differ in; rollout() does the rest for both. */
interface RolloutSpec<R> {
  operation: 'migrate' | 'rollback';
  direction: 'up' | 'down';
  identity: (fleet: Fleet, request: R, members: Members, set: Migration[]) => Identity;
  /** A dry run: what this target would get (throws the refusal it would meet). */
  planned: (report: StatusReport) => Array<{ version: string }>;
  run: (
    runner: MigrationRunner,
    options: Pick<RunOptions, 'actor' | 'audit' | 'beforeApply' | 'signal' | 'stopSignal'>,
  ) => Promise<{ changed: string[]; current: string | null }>;
  changed: 'applied' | 'reverted';
}

async function rollout<R extends FleetMigrateRequest | FleetRollbackRequest>(
  fleet: Fleet,
  request: R,
  principal: Principal,
  hooks: FleetHooks,
  spec: RolloutSpec<R>,
): Promise<FleetReport> {
  authorize(principal, fleet.name, request.dryRun ? 'read' : 'write');
  return operate(fleet, request, hooks, spec.operation, async ({ run, members, set }) => {
    const { planId, candidates } = spec.identity(fleet, request, members, set);
    const direction = spec.direction;
    const review = await reviewFleet(run, { planId, candidates, direction, skipBackup: request.skipBackup });
    if (request.dryRun) {
      const planned = new Set<string>();
      return {
        planId,
        review,
        findings: [],
        attempt: (member) =>
          readOnly(member, members, run.runner(member), (report) => {
            const versions = spec.planned(report).map((m) => m.version);
            for (const v of versions) planned.add(v);
            return result(member, members, versions.length > 0 ? 'behind' : 'up-to-date', {
              versions,
              current: report.current,
            });
          }),
        // Linted once, for the fleet: the files some target would apply, in order.
        finish: () =>
          direction === 'up' ? run.files.lint(candidates.filter((m) => planned.has(m.version))).findings : [],
      };
    }
    enforceFleetRules(review, planId, request);
    const audit = fleetAudit(run, planId, principal, request, review);
    return {
      planId,
      review,
      findings: [],
      attempt: (member) =>
        locked(member, members, run.runner(member), async (runner) => {
          const beforeApply = backupFirst(run, member, runner, direction, review);
          const { changed, current } = await spec.run(runner, {
            actor: principal.actor,
            audit,
            beforeApply,
            ...(request.signal ? { signal: request.signal } : {}),
            ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
          });
          return result(member, members, changed.length > 0 ? spec.changed : 'up-to-date', {
            versions: changed,
            current,
          });
        }),
    };
  });
}

/** A fleet plan without reading any target: its id, the rules' review and the targets it covers. */
export interface FleetPlanReview {
  fleet: string;
  operation: 'migrate' | 'rollback';
  planId: string;
  review: FleetReview;
  targets: string[];
}

/**
 * The fleet plan id and review of a migrate or rollback, from the files and the targets alone (no target is
 * contacted): what `--yes` confirms and a terminal asks about. `fleet plan` shows each target's part as well.
 */
export async function reviewFleetPlan(
  fleet: Fleet,
  operation: 'migrate' | 'rollback',
  request: FleetMigrateRequest & FleetRollbackRequest = {},
  principal: Principal = LIBRARY,
): Promise<FleetPlanReview> {
  authorize(principal, fleet.name, 'read');
  return withRun(fleet, request, true, true, async ({ run, members, set }) => {
    const up = operation === 'migrate';
    const { planId, candidates } = (up ? migrateIdentity : rollbackIdentity)(fleet, request, members, set);
    const review = await reviewFleet(run, {
      planId,
      candidates,
      direction: up ? 'up' : 'down',
      skipBackup: request.skipBackup,
    });
    return { fleet: fleet.name, operation, planId, review, targets: members.list.map((m) => m.name) };
  });
}

/** The code `migrate` would refuse this target with, in the order it checks (failed, then changed, then missing). */
function refusalCode(states: readonly string[]): string {
  if (states.includes('failed')) return 'FAILED_MIGRATION_PRESENT';
  if (states.includes('modified')) return 'CHECKSUM_MISMATCH';
  return 'MISSING_MIGRATION_FILE';
}

/** A `to` no file has is refused once, before any target is touched, rather than by every target. */
function checkTo(to: string | undefined, set: readonly Migration[], allowZero: boolean): void {
  if (to === undefined || (allowZero && to === '0')) return;
  if (!isValidVersion(to) || !set.some((m) => compareVersions(m.version, to) === 0)) {
    throw new OgelError('UNKNOWN_VERSION', `No migration has version ${to}`, { version: to });
  }
}

/** A plan's id and every file it may run. */
interface Identity {
  planId: string;
  candidates: Migration[];
}

/** What a migrate may apply (every file up to `to`) and the plan id over it and the targets. */
function migrateIdentity(fleet: Fleet, request: FleetMigrateRequest, members: Members, set: Migration[]): Identity {
  checkTo(request.to, set, false);
  const candidates = set.filter((m) => request.to === undefined || compareVersions(m.version, request.to) <= 0);
  const planId = fleetPlanIdOf({
    fleet: fleet.name,
    operation: 'migrate',
    options: { to: request.to, outOfOrder: request.outOfOrder, ignoreMissing: request.ignoreMissing },
    items: candidates.map((m) => ({ version: m.version, checksum: m.checksum, action: 'apply' })),
    targets: members.list.map((m) => m.name),
  });
  return { planId, candidates };
}

/** What a rollback may revert (every file with a down) and the plan id over it, its options and the targets. */
function rollbackIdentity(fleet: Fleet, request: FleetRollbackRequest, members: Members, set: Migration[]): Identity {
  checkTo(request.to, set, true);
  const candidates = set.filter((m) => m.downSql !== undefined);
  const planId = fleetPlanIdOf({
    fleet: fleet.name,
    operation: 'rollback',
    options: { steps: request.steps, to: request.to },
    items: candidates.map((m) => ({ version: m.version, checksum: m.downChecksum ?? null, action: 'revert' })),
    targets: members.list.map((m) => m.name),
  });
  return { planId, candidates };
}
