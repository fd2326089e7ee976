import type { Logger } from 'pino';
import type { MigrationRunner } from '../runner/runner.js';
import type { BackupService } from '../backups/service.js';
import type { VerifyReport } from '../verify/verify.js';
import type { Metrics } from './metrics.js';

/** What every route can reach: one runner per environment, the tokens, and the runs in flight. */
export interface ServerState {
  runners: Map<string, MigrationRunner>;
  /** Backup services by environment (absent: backups not available there). */
  backups: Map<string, BackupService>;
  defaultEnvironment: string;
  /** Environments marked `protected` in the config: the dashboard warns before acting on them. */
  protectedEnvironments: Set<string>;
  adminToken: string;
  readToken: string | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Migrations and rollbacks in progress; shutdown waits for them. */
  activeRuns: Set<Promise<unknown>>;
  shuttingDown: boolean;
  /** Called when shutdown starts (open SSE streams end themselves). */
  shutdownListeners: Set<() => void>;
  /** The last rollback-test report per environment (shown before a rollback in the dashboard). */
  lastVerify: Map<string, VerifyReport>;
}

/** Tracks a run so graceful shutdown can let it finish. */
export function trackRun<T>(state: ServerState, run: Promise<T>): Promise<T> {
  state.activeRuns.add(run);
  void run.finally(() => state.activeRuns.delete(run)).catch(() => {});
  return run;
}
