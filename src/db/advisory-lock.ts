import { createHash } from 'node:crypto';
import type pg from 'pg';
import { OgelError } from '../errors.js';
import { applicationName, type RunnerIdentity } from './identity.js';

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
 * connection, and Postgres releases the lock with it, so nothing is ever left locked.
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
   * Takes the lock, waiting at most `waitMs` in Postgres's own fair queue (lock_timeout applies to advisory
   * lock waits). Throws LOCK_TIMEOUT naming the holder.
   */
  async acquire(waitMs: number, onWait?: (holder: LockHolder | null) => void): Promise<{ waitedMs: number }> {
    const started = Date.now();
    const tried = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
      LOCK_CLASS,
      this.objectId,
    ]);
    if (!tried.rows[0]?.ok) {
      onWait?.(await this.holder());
      try {
        await this.client.query(`SET lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
        await this.client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, this.objectId]);
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
        const holder = await this.holder();
        throw new OgelError(
          'LOCK_TIMEOUT',
          `Another migration run holds the lock (${describeHolder(holder)}); gave up after ${waitMs} ms`,
          { holder, waitedMs: Date.now() - started },
        );
      } finally {
        await this.client.query('RESET lock_timeout').catch(() => {});
      }
    }
    this.held = true;
    this.applicationName = applicationName(this.identity, Math.floor(Date.now() / 1000));
    await this.client.query('SELECT set_config($1, $2, false)', ['application_name', this.applicationName]);
    return { waitedMs: Date.now() - started };
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
