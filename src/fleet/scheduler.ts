import { stopReason } from '../db/interrupted.js';

/** What one try at one target gave: a result, or "another run holds its lock now" (come back later). */
export type Attempt<R> = { kind: 'done'; result: R; failure: boolean } | { kind: 'busy'; reason: string };

export interface ScheduleOptions<M, R> {
  /** In the fleet's order; the first `canary` go first. */
  members: readonly M[];
  /** Tries in flight at once: each holds at most one connection. */
  concurrency: number;
  /** The first K members run (and must all succeed) before any other starts. */
  canary: number;
  /** Stop starting members after this many failures (null: never). In-flight tries finish. */
  stopAfterFailures: number | null;
  /** Once aborted, no member starts (in-flight tries end as their own signals make them). */
  stop?: AbortSignal;
  /** How long a busy member keeps being come back to before `busyResult` decides it. */
  comeBackMs: number;
  attempt: (member: M) => Promise<Attempt<R>>;
  /** The result of a member that stayed busy for `comeBackMs` (counted as a failure). */
  busyResult: (member: M, reason: string, waitedMs: number) => R;
  onStart?: (member: M) => void;
  onDone?: (member: M, result: R) => void;
  /** For tests: the source of randomness and of waiting. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ScheduleOutcome<M, R> {
  results: Map<M, R>;
  /** Members never tried (or left waiting) because the run stopped, in order. */
  notReached: M[];
  stopped: { reason: 'canary' | 'failures' | 'interrupted'; failures: number; by?: string } | null;
}

interface Deferred<M> {
  member: M;
  since: number;
  retryAt: number;
  tries: number;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

/**
 * Works through a fleet with no coordinator. Each worker (process) takes members in the fleet's order and
 * tries each one's migration lock without waiting: a member another worker holds is put aside and come back to
 * with backoff, so no slot waits on one lock while untouched members remain, and each member is changed once
 * (the lock decides; the one who comes back finds it done). After such a collision the walk jumps to a random
 * untouched member: two workers started together then work on different stretches instead of colliding at
 * every step. The canaries go first, all of them before the rest; a failure among them stops the run.
 */
export async function schedule<M, R>(options: ScheduleOptions<M, R>): Promise<ScheduleOutcome<M, R>> {
  const random = options.random ?? Math.random;
  const results = new Map<M, R>();
  let failures = 0;
  let stopped: ScheduleOutcome<M, R>['stopped'] = null;
  const interrupted = () => {
    if (options.stop?.aborted && !stopped) stopped = { reason: 'interrupted', failures, by: stopReason(options.stop) };
    return stopped !== null;
  };
  // A wait for a busy member ends early when the run is stopped.
  const sleep =
    options.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          options.stop?.removeEventListener('abort', done);
          resolve();
        }
        options.stop?.addEventListener('abort', done, { once: true });
      }));

  const phase = async (members: readonly M[]): Promise<boolean> => {
    const fresh = [...members];
    const deferred: Deferred<M>[] = [];
    let cursor = 0;
    let phaseFailed = false;
    const record = (member: M, result: R, failure: boolean) => {
      results.set(member, result);
      options.onDone?.(member, result);
      if (!failure) return;
      phaseFailed = true;
      failures++;
      if (options.stopAfterFailures !== null && failures >= options.stopAfterFailures && !stopped)
        stopped = { reason: 'failures', failures };
    };
    const take = (): { member: M; entry: Deferred<M> | null } | 'wait' | null => {
      const now = Date.now();
      const due = deferred.findIndex((d) => d.retryAt <= now);
      if (due !== -1) return { member: deferred[due]!.member, entry: deferred.splice(due, 1)[0]! };
      if (fresh.length > 0) {
        if (cursor >= fresh.length) cursor = 0;
        return { member: fresh.splice(cursor, 1)[0]!, entry: null };
      }
      return deferred.length > 0 ? 'wait' : null;
    };
    const slot = async () => {
      for (;;) {
        if (interrupted()) return;
        const next = take();
        if (next === null) return;
        if (next === 'wait') {
          const soonest = Math.min(...deferred.map((d) => d.retryAt));
          await sleep(Math.max(1, soonest - Date.now()));
          continue;
        }
        const { member, entry } = next;
        options.onStart?.(member);
        const attempt = await options.attempt(member);
        if (attempt.kind === 'done') {
          record(member, attempt.result, attempt.failure);
          continue;
        }
        const now = Date.now();
        const since = entry?.since ?? now;
        if (now - since >= options.comeBackMs) {
          record(member, options.busyResult(member, attempt.reason, now - since), true);
          continue;
        }
        const tries = (entry?.tries ?? 0) + 1;
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (tries - 1)) * (0.5 + random());
        deferred.push({ member, since, retryAt: now + delay, tries });
        // Another worker is walking the same stretch: continue somewhere it is not.
        if (!entry && fresh.length > 0) cursor = Math.floor(random() * fresh.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, members.length)) }, slot));
    return !phaseFailed;
  };

  const canaries = options.members.slice(0, options.canary);
  const rest = options.members.slice(options.canary);
  if (canaries.length > 0 && !(await phase(canaries)) && !interrupted()) stopped = { reason: 'canary', failures };
  if (!interrupted() && rest.length > 0) await phase(rest);
  return { results, notReached: options.members.filter((m) => !results.has(m)), stopped };
}
