import type { ExecutionSettings } from '../db/execute-script.js';
import type { RunnerIdentity } from '../db/identity.js';
import type { Session } from '../db/session.js';
import type { QualifiedTracking } from '../db/tracking-store.js';
import type { Operation, RunnerEventEmitter } from './events.js';

/** Everything one locked run needs; built by MigrationRunner and passed to the operation that runs. */
export interface RunContext {
  runId: string;
  operation: Operation;
  session: Session;
  tracking: QualifiedTracking;
  identity: RunnerIdentity;
  settings: ExecutionSettings;
  events: RunnerEventEmitter;
  /** application_name marking this session as the lock holder; restored after each session reset. */
  holderApplicationName: string;
  /** A script that may have changed session state ran last: reset the session before the next one. */
  sessionDirty: boolean;
  /** Recorded in the details of every event of this run (confirmation, force reason, …). */
  audit: Record<string, unknown>;
  /** Stops the run: the running statement is cancelled on the server and nothing after it starts. */
  signal?: AbortSignal;
  /** Ends the run between migrations: the running one finishes, nothing after it starts. */
  stopSignal?: AbortSignal;
}

/** `applied_by` / event actor text after the database role: host, client and process. */
export function actorOf(identity: RunnerIdentity): string {
  return `via ${identity.host} (${identity.client}, pid ${identity.pid})`;
}
