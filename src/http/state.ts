import type { Logger } from 'pino';
import type { Target } from '../app/target.js';
import type { TokenGrant } from '../app/tokens.js';
import type { VerifyReport } from '../verify/verify.js';
import type { DriftReport } from '../verify/drift.js';
import type { Metrics } from './metrics.js';
import type { FleetMonitor } from '../fleet/monitor.js';

/** What every route can reach: one target per environment, the tokens, and the runs in flight. */
export interface ServerState {
  targets: Map<string, Target>;
  /** One monitor per configured fleet: its last status, the run in progress (src/fleet/monitor.ts). */
  fleets: Map<string, FleetMonitor>;
  /** The environment a request without `?env=` means; null when there is none to default to. */
  defaultEnvironment: string | null;
  tokens: TokenGrant[];
  logger: Logger;
  metrics: Metrics;
  /** Migrations, rollbacks, restores, checks in progress; shutdown waits for them. */
  activeRuns: Set<Promise<unknown>>;
  shuttingDown: boolean;
  /** Called when shutdown starts (open SSE streams end themselves). */
  shutdownListeners: Set<() => void>;
  /** Aborted when shutdown starts: checks on scratch databases (drift, verify) stop and drop them. */
  shutdownSignal: AbortSignal;
  /** The last rollback-test report per environment (shown before a rollback in the dashboard). */
  lastVerify: Map<string, VerifyReport>;
  /** The last drift result per environment (the overview's cards show it). */
  lastDrift: Map<string, boolean>;
  /** A drift check in flight per environment: concurrent requests share it (one scratch database, not three). */
  driftInFlight: Map<string, Promise<DriftReport>>;
  /** Check every success against the contract's response schema (tests). */
  checkResponses: boolean;
}

/** Tracks a run so graceful shutdown can let it finish. */
export function trackRun<T>(state: ServerState, run: Promise<T>): Promise<T> {
  state.activeRuns.add(run);
  void run.finally(() => state.activeRuns.delete(run)).catch(() => {});
  return run;
}
