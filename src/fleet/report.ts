import type { BackupPolicy } from '../backups/before-migrate.js';
import type { PromotionViolation } from '../environments/promotion.js';
import type { LintFinding } from '../lint/index.js';

/**
 * Where one target stands after a fleet operation. status and plan: `up-to-date`, `behind` (has pending
 * migrations: what plan would apply), `failed` (a failed, changed or missing migration needs a human; plan:
 * the run would refuse), `unreachable`. migrate and rollback: `up-to-date` (nothing to do), `applied` /
 * `reverted`, `failed`, `not-reached` (the run stopped first), `unreachable` (no connection).
 */
export type FleetState = 'up-to-date' | 'behind' | 'applied' | 'reverted' | 'failed' | 'not-reached' | 'unreachable';

export const FLEET_STATES: readonly FleetState[] = [
  'up-to-date',
  'behind',
  'applied',
  'reverted',
  'failed',
  'not-reached',
  'unreachable',
];

export interface FleetTargetResult {
  name: string;
  state: FleetState;
  /** Applied or reverted by this run (migrate, rollback); pending (status) or planned (plan). */
  versions: string[];
  /** Its version after the operation, or null (none applied, or unknown). */
  current: string | null;
  canary: boolean;
  /** Why it failed or could not be reached: the code and message every surface shows (no password). */
  error: { code: string; message: string } | null;
  durationMs: number | null;
}

/** The rules that apply to a fleet plan, shown before anyone confirms it. */
export interface FleetReview {
  fleet: string;
  protected: boolean;
  /** What a change must carry: `{ confirm: <fleet>, plan: <fleet plan id> }`, or null. */
  requires: { confirm: string; plan: string } | null;
  /** The upstream environment and what it has not applied of the files this run may apply; null without `after`. */
  promotion: { upstream: string; violations: PromotionViolation[] } | null;
  /** Each target's backup before its run (database fleets whose policy asks), or null. */
  backup: { policy: BackupPolicy } | null;
}

/** A fleet operation's result: one line per target in the fleet's order, counts by state, why it stopped. */
export interface FleetReport {
  fleet: string;
  operation: 'status' | 'migrate' | 'rollback';
  dryRun: boolean;
  /** The fleet plan id (migrate, rollback): what a protected fleet's confirmation names. */
  planId: string | null;
  review: FleetReview | null;
  concurrency: number;
  counts: Record<FleetState, number>;
  targets: FleetTargetResult[];
  stopped: { reason: 'canary' | 'failures' | 'interrupted'; message: string } | null;
  /** Dry runs of migrate: the linter's findings on the files the plan would apply, once for the fleet. */
  findings: LintFinding[];
  /** Nothing failed, was unreachable or left unreached. */
  ok: boolean;
  startedAt: string;
  durationMs: number;
}

export function countStates(targets: readonly FleetTargetResult[]): Record<FleetState, number> {
  const counts = Object.fromEntries(FLEET_STATES.map((s) => [s, 0])) as Record<FleetState, number>;
  for (const t of targets) counts[t.state]++;
  return counts;
}

/** Whether a state needs someone's attention (what makes a run not ok, and what --stop-after-failures counts). */
export function isFailure(state: FleetState): boolean {
  return state === 'failed' || state === 'unreachable';
}
