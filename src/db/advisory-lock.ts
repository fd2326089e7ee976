import { createHash } from 'node:crypto';
import type pg from 'pg';
import { OgelError } from '../errors.js';
import { applicationName, type RunnerIdentity } from './identity.js';
import { interruptedError } from './interrupted.js';

/** Who holds the migration lock, as far as the server can tell. */
export interface LockHolder {
  pid: number;
  host: string | null;
  clientAddress: string | null;
  /** When the holder took the lock (from its application_name), else when its session started. */
  since: string | null;
  applicationName: string | null;
}

/** 'ogel' in ASCII: the first half of the two-int advisory key, so our locks are recognisable in pg_locks. */
export const LOCK_CLASS = 0x6f67656c;

/** The second half: derived from the tracking table's name, so two tracking tables never block each other. */
export function lockObjectId(trackingTable: string): number {
  return createHash('sha256').update(trackingTable).digest().readUInt32BE(0) & 0x7fffffff;
}

/**
 * A session-level advisory lock. It lives exactly as long as the connection: a runner killed with -9 loses its
 * connection, and Postgres releases the lock with it, so nothing is ever left locked. Waiters poll (see
 * `acquire`), so the order in which they get it is not the order in which they came.
 */
export class AdvisoryLock {
  private readonly objectId: number;
  private held = false;
  /** The application_name that marks this session as the holder; re-applied after each session reset. */
  applicationName: string | undefined;

  constructor(
    private readonly client: pg.ClientBase,
    trackingTable: string,
    private readonly identity: RunnerIdentity,
  ) {
    this.objectId = lockObjectId(trackingTable);
  }

  /**
   * Takes the lock, waiting at most `waitMs`. Throws LOCK_TIMEOUT naming the holder. The wait polls
   * `pg_try_advisory_lock` with backoff and jitter instead of blocking in `pg_advisory_lock`: a blocked
   * statement holds a snapshot, and `CREATE INDEX CONCURRENTLY` in the holder's migration waits for every
   * snapshot older than its own, so a blocking waiter and the holder would wait for each other (a deadlock the
   * server resolves by killing one). Between polls this session holds nothing, and the server's or role's
   * `statement_timeout` cannot cancel a wait it never sees. `onWait` hears of the holder when the wait starts
   * and whenever another run takes over; `signal` ends the wait early (Ctrl-C) with its reason.
   */
  async acquire(
    waitMs: number,
    onWait?: (holder: LockHolder | null) => void,
    signal?: AbortSignal,
  ): Promise<{ waitedMs: number }> {
    const started = Date.now();
    if (signal?.aborted)
      throw interruptedError(signal, 'stopped before taking the migration lock; nothing was changed');
    let shown: number | null | undefined;
    let freedJustNow = false;
    for (let attempt = 0; !(await this.tryOnce()); attempt++) {
      const holder = await this.holder();
      // No holder: the lock was released between the two queries. Try again at once (once), rather than report
      // a wait for a holder that is gone.
      if (holder === null && !freedJustNow) {
        freedJustNow = true;
        continue;
      }
      freedJustNow = false;
      if (shown === undefined || (holder?.pid ?? null) !== shown) onWait?.(holder);
      shown = holder?.pid ?? null;
      const waited = Date.now() - started;
      if (waited >= waitMs)
        throw new OgelError(
          'LOCK_TIMEOUT',
          `Another migration run holds the lock (${describeHolder(holder)}); gave up after ${waitMs} ms`,
          { holder, waitedMs: waited },
        );
      try {
        await pause(Math.min(pollDelay(attempt), waitMs - waited), signal);
      } catch {
        throw interruptedError(signal!, 'stopped waiting for the migration lock; nothing was changed', { holder });
      }
    }
    this.held = true;
    this.applicationName = applicationName(this.identity, Math.floor(Date.now() / 1000));
    await this.client.query('SELECT set_config($1, $2, false)', ['application_name', this.applicationName]);
    return { waitedMs: Date.now() - started };
  }

  private async tryOnce(): Promise<boolean> {
    const tried = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
      LOCK_CLASS,
      this.objectId,
    ]);
    return tried.rows[0]?.ok === true;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    // The application_name that marked the holder goes back to the session's own: a pooled connection returns
    // to an application that must not show up as a migration run in pg_stat_activity.
    await this.client.query(
      "SELECT pg_advisory_unlock($1, $2), set_config('application_name', (SELECT reset_val FROM pg_settings WHERE name = 'application_name'), false)",
      [LOCK_CLASS, this.objectId],
    );
  }

  /** Reads the holder from pg_locks; null if the lock is free (or the holder is invisible to our role). */
  async holder(): Promise<LockHolder | null> {
    return readLockHolder(this.client, this.objectId);
  }
}

export async function readLockHolder(client: pg.ClientBase, objectId: number): Promise<LockHolder | null> {
  const result = await client.query<{
    pid: number;
    application_name: string | null;
    client_addr: string | null;
    backend_start: Date | null;
  }>(
    `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2 AND l.granted
        -- Advisory locks belong to a database: another database on the server (staging beside prod) with the
        -- same tracking table holds a lock of its own, not this one.
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      LIMIT 1`,
    [LOCK_CLASS, objectId],
  );
  const row = result.rows[0];
  if (!row) return null;
  const app = row.application_name ?? '';
  const match = /^ogel-migrate p=(\d+)(?: t=(\d+))? h=(.*)$/.exec(app);
  const since = match?.[2] ? new Date(Number(match[2]) * 1000) : row.backend_start;
  return {
    pid: row.pid,
    host: match ? `${match[3]} (runner pid ${match[1]})` : null,
    clientAddress: row.client_addr,
    since: since ? since.toISOString() : null,
    applicationName: app || null,
  };
}

export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'holder not visible to this role';
  const where = holder.host ?? holder.applicationName ?? holder.clientAddress ?? 'unknown host';
  return `backend pid ${holder.pid}, ${where}, since ${holder.since ?? 'unknown'}`;
}

/**
 * 20 ms doubling to 1 s, each with ±50% jitter: a short migration is noticed quickly, a long one costs a query a
 * second, and runners that started together do not poll in step.
 */
function pollDelay(attempt: number): number {
  const base = Math.min(1_000, 20 * 2 ** attempt);
  return Math.round(base / 2 + Math.random() * base);
}

/** Sleeps `ms`, or rejects with the signal's reason as soon as it aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const aborted = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
