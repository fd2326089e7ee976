import { EventEmitter } from 'node:events';
import type { LockHolder } from '../db/advisory-lock.js';
import type { LockBlocker } from '../db/lock-blockers.js';

export type Operation = 'migrate' | 'rollback' | 'baseline' | 'repair' | 'init';
export type Direction = 'up' | 'down';

/** What a restore is doing: for a terminal's progress line and the HTTP event stream. */
export interface RestoreProgress {
  /** The backup being restored. */
  id: string;
  phase: 'checking' | 'creating' | 'restoring' | 'verifying' | 'switching' | 'done';
  /** Bytes of the dump read from the store so far, of totalBytes. */
  bytes: number;
  totalBytes: number;
  /** Database objects pg_restore has created or filled, of totalObjects (entries in the dump; null if unknown). */
  objects: number;
  totalObjects: number | null;
}

/**
 * The runner's progress as typed events: the one stream behind CLI progress output, the HTTP service's
 * Server-Sent Events and its metrics.
 */
export interface RunnerEvents {
  'run:start': { runId: string; operation: Operation; planned: string[] };
  'lock:waiting': { runId: string; holder: LockHolder | null };
  'lock:acquired': { runId: string; waitedMs: number };
  'migration:start': {
    runId: string;
    version: string;
    name: string;
    direction: Direction;
    transactional: boolean;
    index: number;
    total: number;
  };
  'migration:retry': {
    runId: string;
    version: string;
    attempt: number;
    delayMs: number;
    /** The server's message, file and line, and who held the tables the statement waited for. */
    reason: string;
    /** The sessions holding locks on those tables when the statement gave up (pid, state, since). */
    blockers: LockBlocker[];
  };
  'migration:done': { runId: string; version: string; name: string; direction: Direction; durationMs: number };
  'migration:failed': { runId: string; version: string; name: string; direction: Direction; error: string };
  /** A restore's phase, bytes read from the store and database objects restored (about five a second at most). */
  'restore:progress': RestoreProgress;
  'run:end': {
    runId: string;
    operation: Operation;
    outcome: 'success' | 'failure';
    count: number;
    durationMs: number;
    error?: string;
  };
}

export type RunnerEventName = keyof RunnerEvents;

export class RunnerEventEmitter {
  private readonly emitter = new EventEmitter();

  on<K extends RunnerEventName>(event: K, listener: (payload: RunnerEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Listens to every event, e.g. to forward them all over SSE. */
  onAny(listener: <K extends RunnerEventName>(event: K, payload: RunnerEvents[K]) => void): () => void {
    const names: RunnerEventName[] = [
      'run:start',
      'lock:waiting',
      'lock:acquired',
      'migration:start',
      'migration:retry',
      'migration:done',
      'migration:failed',
      'restore:progress',
      'run:end',
    ];
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }

  emit<K extends RunnerEventName>(event: K, payload: RunnerEvents[K]): void {
    // A throwing listener (say, a closed SSE socket) must never break a migration.
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (p: RunnerEvents[K]) => void)(payload);
      } catch {
        /* ignored on purpose */
      }
    }
  }
}
