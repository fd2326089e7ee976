import type pg from 'pg';
import { AdvisoryLock, type LockHolder } from '../db/advisory-lock.js';
import { connectClient } from '../db/connect.js';
import { applicationName, type RunnerIdentity } from '../db/identity.js';
import { readAppliedRows, trackingTableExists, type QualifiedTracking } from '../db/tracking-store.js';
import { currentVersion } from '../core/status.js';
import { databaseNameOf } from '../db/url.js';
import type { BackupManifest, DatabaseProps, SchemaAccess } from './manifest.js';
import { readDatabaseProps, readSchemaAccess } from './maintenance.js';

/** An exported snapshot held open for pg_dump, with what it shows of the tracking state. */
export interface BackupSnapshot {
  /** For `pg_dump --snapshot`. */
  id: string;
  serverVersion: string;
  database: DatabaseProps;
  schemas: SchemaAccess[];
  tracking: BackupManifest['tracking'];
  /** The database has tracking tables (a backup event can be recorded). */
  tracked: boolean;
  /**
   * Ends the snapshot, then runs `afterSql` (the backup's event) on the same session before the lock goes.
   * Later calls do nothing.
   */
  close(afterSql?: string): Promise<void>;
}

export interface SnapshotOptions {
  tracking: QualifiedTracking;
  identity: RunnerIdentity;
  /** host:port, recorded in the manifest. */
  server: string;
  /** The caller's own run holds the migration lock (a backup before its migrations). */
  lockHeld: boolean;
  lockWaitMs: number;
  onLockWait?: (holder: LockHolder | null) => void;
  /** Stops waiting for the lock (INTERRUPTED). */
  signal?: AbortSignal;
}

/**
 * Takes the migration lock (unless the caller's run holds it), then one REPEATABLE READ snapshot that pg_dump
 * shares: the version recorded is the version the dump holds, whatever runs meanwhile.
 */
export async function openBackupSnapshot(url: string, options: SnapshotOptions): Promise<BackupSnapshot> {
  const client = await connectClient(url, {
    applicationName: applicationName(options.identity),
    purpose: 'backup',
  });
  let lock: AdvisoryLock | null = null;
  let open = true;
  const finish = async (afterSql?: string) => {
    if (!open) return;
    open = false;
    try {
      await client.query('COMMIT');
      if (afterSql) await client.query(afterSql);
      await lock?.release();
    } finally {
      await client.end().catch(() => {});
    }
  };
  try {
    if (!options.lockHeld) {
      lock = new AdvisoryLock(client, options.tracking.display, options.identity);
      await lock.acquire(options.lockWaitMs, options.onLockWait, options.signal);
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const exported = await client.query<{ id: string; version: string }>(
      'SELECT pg_export_snapshot() AS id, current_setting($1) AS version',
      ['server_version'],
    );
    const { id, version } = exported.rows[0]!;
    const [database, schemas, tracked] = [
      await readDatabaseProps(client, databaseNameOf(url), options.server),
      await readSchemaAccess(client),
      await trackingTableExists(client, options.tracking),
    ];
    const tracking = tracked
      ? await readTracking(client, options.tracking)
      : { version: null, applied: [], lastEvent: null };
    return { id, serverVersion: version, database, schemas, tracking, tracked, close: finish };
  } catch (error) {
    open = false;
    await client.end().catch(() => {});
    throw error;
  }
}

async function readTracking(client: pg.ClientBase, t: QualifiedTracking): Promise<BackupManifest['tracking']> {
  const applied = await readAppliedRows(client, t);
  const version = currentVersion(applied);
  const last = await client.query<{ id: string; occurred_at: string }>(
    `SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at
       FROM ${t.events} ORDER BY id DESC LIMIT 1`,
  );
  const row = last.rows[0];
  return { version, applied, lastEvent: row ? { id: Number(row.id), occurredAt: row.occurred_at } : null };
}
