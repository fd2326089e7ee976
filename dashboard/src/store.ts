import { useCallback, useMemo, useState } from 'preact/hooks';
import type { DriftReport, Status, VerifyReport } from './api.js';

/** One line of live progress from the server's event stream. */
export interface ProgressLine {
  at: string;
  text: string;
  kind: 'info' | 'ok' | 'bad';
}

/** What the last action in an environment came to, as the page shows it. */
export interface Outcome {
  ok: boolean;
  /** One sentence: `Applied 2 migration(s): 001_a, 002_b.` or `MIGRATION_FAILED: 003_x.sql:1:1: …`. */
  text: string;
  /** Further lines: the backup taken first, a forced promotion. */
  notes: string[];
}

/**
 * Everything the page knows about one environment. Each action writes into the state of the environment it
 * started in, never into "the selected one", so a dev run that ends while prod is shown stays under dev.
 */
export interface EnvState {
  status: Status | null;
  statusError: string | null;
  /** The action in flight (`migrate`, `verify`, …) or null: one at a time per environment. */
  busy: string | null;
  outcome: Outcome | null;
  progress: ProgressLine[];
  verify: VerifyReport | null;
  drift: DriftReport | null;
  /** An error of the last drift check or rollback test. */
  checkError: string | null;
  /** Grows whenever this environment's data changed: its history, chart and detail reload. */
  revision: number;
}

const EMPTY: EnvState = {
  status: null,
  statusError: null,
  busy: null,
  outcome: null,
  progress: [],
  verify: null,
  drift: null,
  checkError: null,
  revision: 0,
};

export type UpdateEnv = (env: string, change: (state: EnvState) => Partial<EnvState>) => void;

/** The per-environment states: `of(env)` to read, `update(env, change)` to write one environment only. */
export function useEnvStates(): {
  of: (env: string) => EnvState;
  update: UpdateEnv;
  busyEnvs: string[];
  /** Forgets everything (sign-out): the next token must not see what this one was shown. */
  reset: () => void;
} {
  const [states, setStates] = useState<Record<string, EnvState>>({});
  const update = useCallback<UpdateEnv>(
    (env, change) =>
      setStates((all) => {
        const current = all[env] ?? EMPTY;
        return { ...all, [env]: { ...current, ...change(current) } };
      }),
    [],
  );
  const of = useCallback((env: string) => states[env] ?? EMPTY, [states]);
  const busyEnvs = useMemo(
    () =>
      Object.entries(states)
        .filter(([, s]) => s.busy !== null)
        .map(([env]) => env),
    [states],
  );
  const reset = useCallback(() => setStates({}), []);
  return { of, update, busyEnvs, reset };
}
