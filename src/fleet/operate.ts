import type { Migration } from '../core/migration.js';
import type { StatusReport } from '../core/status.js';
import { anySignal } from '../db/interrupted.js';
import { maskUrl } from '../db/url.js';
import { isOgelError } from '../errors.js';
import type { LintFinding } from '../lint/index.js';
import type { MigrationRunner } from '../runner/runner.js';
import type { Fleet, FleetMember } from './fleet.js';
import { countStates, isFailure, type FleetReport, type FleetReview, type FleetTargetResult } from './report.js';
import { FleetRun } from './run.js';
import { schedule, type Attempt } from './scheduler.js';
import { selectMembers, type FleetSelection } from './select.js';

/** What every fleet operation accepts. */
export interface FleetRequest extends FleetSelection {
  /** Targets at once for this worker (default: the fleet's). */
  concurrency?: number;
  /**
   * Stops the run (the CLI's Ctrl-C / SIGTERM): no target starts, and each running target's statement is
   * cancelled on the server (its migration rolls back with its tracking row, see RunOptions.signal).
   */
  signal?: AbortSignal;
  /** Ends the run gently (serve's shutdown): no target starts; running ones finish their running migration. */
  stopSignal?: AbortSignal;
}

/** Progress as targets finish, for a progress bar or a live view. */
export interface FleetProgress {
  total: number;
  done: number;
  running: number;
  last: FleetTargetResult | null;
}

export interface FleetHooks {
  onProgress?: (progress: FleetProgress) => void;
  /** Called with the targets' names once they are known and the plan is made, before any target is touched. */
  onStart?: (targets: string[]) => void;
}

/** How one operation treats each target, made once the files and targets are known (src/fleet/operations.ts). */
export interface Plan {
  planId: string | null;
  review: FleetReview | null;
  findings: LintFinding[];
  attempt: (member: FleetMember) => Promise<Attempt<FleetTargetResult>>;
  /** Once every target is done: the findings to report (dry runs). */
  finish?: () => LintFinding[];
}

/** Canaries are the first K targets; results carry it so a report shows which ones went first. */
export type Members = { list: readonly FleetMember[]; canaries: ReadonlySet<FleetMember> };

/**
 * The part every fleet operation shares: resolve and select the targets, load the files once (refusing
 * unknown placeholders before anything runs), plan, schedule the targets, and report them in fleet order.
 */
export async function operate(
  fleet: Fleet,
  request: FleetRequest & { canary?: number; stopAfterFailures?: number; dryRun?: boolean },
  hooks: FleetHooks,
  operation: FleetReport['operation'],
  plan: (input: { run: FleetRun; members: Members; set: Migration[] }) => Promise<Plan>,
): Promise<FleetReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const rollout = operation !== 'status' && !request.dryRun;
  // Status runs no SQL: a file with an unknown placeholder must not hide where every target stands (migrate
  // and plan refuse it, naming file, line and name).
  const checkPlaceholders = operation !== 'status';
  return withRun(fleet, request, rollout, checkPlaceholders, async ({ run, members, set, concurrency }) => {
    const { list } = members;
    const planned = await plan({ run, members, set });
    hooks.onStart?.(list.map((m) => m.name));
    let done = 0;
    let running = 0;
    const progress = (last: FleetTargetResult | null) =>
      hooks.onProgress?.({ total: list.length, done, running, last });
    const stop = anySignal(request.signal, request.stopSignal);
    const outcome = await schedule({
      members: list,
      concurrency,
      ...(stop ? { stop } : {}),
      canary: rollout ? members.canaries.size : 0,
      stopAfterFailures: rollout ? (request.stopAfterFailures ?? fleet.stopAfterFailures) : null,
      comeBackMs: fleet.lockWaitMs,
      attempt: async (member) => {
        running++;
        try {
          return await planned.attempt(member);
        } finally {
          running--;
        }
      },
      busyResult: (member, reason, waitedMs) =>
        result(member, members, 'failed', {
          error: { code: 'LOCK_TIMEOUT', message: `${reason}; came back to it for ${waitedMs} ms` },
        }),
      onStart: () => progress(null),
      onDone: (_member, r) => {
        done++;
        progress(r);
      },
    });
    const targets = list.map(
      (member) => outcome.results.get(member) ?? result(member, members, 'not-reached', { durationMs: null }),
    );
    return {
      fleet: fleet.name,
      operation,
      dryRun: !rollout,
      planId: planned.planId,
      review: planned.review,
      concurrency,
      counts: countStates(targets),
      targets,
      stopped: outcome.stopped ? stoppedMessage(outcome.stopped, outcome.notReached.length) : null,
      findings: planned.finish?.() ?? planned.findings,
      ok: targets.every((t) => !isFailure(t.state) && t.state !== 'not-reached'),
      startedAt,
      durationMs: Math.round(performance.now() - started),
    };
  });
}

/**
 * Resolves and selects the targets, loads the files once (refusing unknown placeholders before anything
 * runs, where SQL may run) and hands them to `fn` with the run's shared state, closed afterwards.
 */
export async function withRun<T>(
  fleet: Fleet,
  request: FleetRequest & { canary?: number },
  /** A run that changes targets: only such a run has canaries. */
  rollout: boolean,
  /** Refuse unknown placeholders before anything runs (every operation that may run SQL). */
  checkPlaceholders: boolean,
  fn: (input: { run: FleetRun; members: Members; set: Migration[]; concurrency: number }) => Promise<T>,
): Promise<T> {
  const list = selectMembers(await fleet.members(), request);
  const concurrency = request.concurrency ?? fleet.concurrency;
  const canary = rollout ? Math.min(request.canary ?? fleet.canary, list.length) : 0;
  const members: Members = { list, canaries: new Set(list.slice(0, canary)) };
  const run = new FleetRun(fleet, list, concurrency);
  try {
    const set = (await run.files.load()).migrations;
    if (checkPlaceholders) await run.files.checkPlaceholders(list);
    return await fn({ run, members, set, concurrency });
  } finally {
    await run.close();
  }
}

/** A read-only look at one target (status, a dry run): a refusal the plan would meet is its `failed` state. */
export async function readOnly(
  member: FleetMember,
  members: Members,
  runner: MigrationRunner,
  judge: (report: StatusReport) => FleetTargetResult,
): Promise<Attempt<FleetTargetResult>> {
  const started = performance.now();
  try {
    const report = await runner.status();
    return done({ ...judge(report), durationMs: Math.round(performance.now() - started) });
  } catch (error) {
    return done(failure(member, members, error, false, started));
  }
}

/**
 * One locked run on one target. Its lock is tried, never waited for: held by another run (another worker),
 * the target is `busy` and the scheduler comes back to it.
 */
export async function locked(
  member: FleetMember,
  members: Members,
  runner: MigrationRunner,
  run: (runner: MigrationRunner) => Promise<FleetTargetResult>,
): Promise<Attempt<FleetTargetResult>> {
  const started = performance.now();
  let held = false;
  const off = runner.events.on('lock:acquired', () => (held = true));
  try {
    return done({ ...(await run(runner)), durationMs: Math.round(performance.now() - started) });
  } catch (error) {
    if (isOgelError(error, 'LOCK_TIMEOUT') && !held) return { kind: 'busy', reason: maskUrl(error.message) };
    return done(failure(member, members, error, held, started));
  } finally {
    off();
  }
}

function done(r: FleetTargetResult): Attempt<FleetTargetResult> {
  return { kind: 'done', result: r, failure: isFailure(r.state) };
}

/** A connection that could not be opened is `unreachable`; anything else (after connecting) `failed`. */
function failure(
  member: FleetMember,
  members: Members,
  error: unknown,
  connected: boolean,
  started: number,
): FleetTargetResult {
  const code = isOgelError(error) ? error.code : 'INTERNAL';
  const message = maskUrl(error instanceof Error ? error.message : String(error));
  return result(member, members, code === 'DB_CONNECTION' && !connected ? 'unreachable' : 'failed', {
    error: { code, message },
    durationMs: Math.round(performance.now() - started),
  });
}

export function result(
  member: FleetMember,
  members: Members,
  state: FleetTargetResult['state'],
  fields: Partial<FleetTargetResult> = {},
): FleetTargetResult {
  return {
    name: member.name,
    state,
    versions: [],
    current: null,
    canary: members.canaries.has(member),
    error: null,
    durationMs: null,
    ...fields,
  };
}

function stoppedMessage(
  stopped: { reason: 'canary' | 'failures' | 'interrupted'; failures: number; by?: string },
  notReached: number,
): FleetReport['stopped'] {
  const why =
    stopped.reason === 'interrupted'
      ? `interrupted (${stopped.by ?? 'aborted'})`
      : stopped.reason === 'canary'
        ? 'a canary failed'
        : `${stopped.failures} target(s) failed or were unreachable (--stop-after-failures)`;
  return { reason: stopped.reason, message: `Stopped: ${why}; ${notReached} target(s) not reached` };
}
