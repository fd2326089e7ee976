import { ApiError } from './api.js';
import { failed } from './outcomes.js';
import type { Outcome, UpdateEnv } from './store.js';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface TrackOptions<T> {
  /** How a success reads in the environment's result line. */
  describe: (value: T) => Outcome;
  /** Whether the caller shows this error itself (an open dialog shows a refusal): then it is not recorded. */
  handled?: (error: ApiError) => boolean;
}

/** Runs an action of one environment: marks it busy, records its outcome there, announces the change. */
export type Track = <T>(
  env: string,
  busy: string,
  run: () => Promise<T>,
  options: TrackOptions<T>,
) => Promise<Settled<T>>;

export function makeTrack(update: UpdateEnv, changed: (env: string) => void): Track {
  return async (env, busy, run, options) => {
    update(env, () => ({ busy, outcome: null }));
    let settled: Settled<Awaited<ReturnType<typeof run>>>;
    try {
      settled = { ok: true, value: await run() };
    } catch (error) {
      settled = { ok: false, error };
    }
    const quiet = !settled.ok && settled.error instanceof ApiError && options.handled?.(settled.error) === true;
    update(env, () => ({
      busy: null,
      ...(quiet ? {} : { outcome: settled.ok ? options.describe(settled.value) : failed(settled.error) }),
    }));
    changed(env);
    return settled;
  };
}

/** Refusals that changed nothing and that the reviewer can act on in the dialog they came from. */
export const REVIEW_REFUSALS: ReadonlySet<string> = new Set([
  'PLAN_CHANGED',
  'PROMOTION_REFUSED',
  'CONFIRMATION_REQUIRED',
  'FORBIDDEN',
  'LOCK_TIMEOUT',
]);
