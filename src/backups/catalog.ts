import type pg from 'pg';
import type { QualifiedTracking } from '../db/tracking-store.js';
import { literal } from '../db/sql-literals.js';

/** One backup as recorded in `<schema>.schema_migration_backups`. */
export interface BackupRecord {
  id: string;
  env: string | null;
  database: string;
  version: string | null;
  format: 'custom' | 'directory';
  path: string;
  sizeBytes: number;
  durationMs: number;
  checksum: string;
  createdAt: string;
  createdBy: string;
}

export function backupsTable(tracking: QualifiedTracking): string {
  return `${tracking.schema}.schema_migration_backups`;
}

export function createBackupsTableSql(tracking: QualifiedTracking): string {
  return `CREATE SCHEMA IF NOT EXISTS ${tracking.schema};
CREATE TABLE IF NOT EXISTS ${backupsTable(tracking)} (
  id          text PRIMARY KEY,
  env         text,
  database    text NOT NULL,
  version     text,
  format      text NOT NULL CHECK (format IN ('custom', 'directory')),
  path        text NOT NULL,
  size_bytes  bigint NOT NULL,
  duration_ms integer NOT NULL,
  checksum    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL
)`;
}

export function insertBackupSql(tracking: QualifiedTracking, r: BackupRecord): string {
  return `INSERT INTO ${backupsTable(tracking)} (id, env, database, version, format, path, size_bytes, duration_ms, checksum, created_at, created_by)
VALUES (${literal(r.id)}, ${literal(r.env)}, ${literal(r.database)}, ${literal(r.version)}, ${literal(r.format)}, ${literal(r.path)}, ${r.sizeBytes}, ${r.durationMs}, ${literal(r.checksum)}, ${literal(r.createdAt)}::timestamptz, ${literal(r.createdBy)})
ON CONFLICT (id) DO NOTHING`;
}

export async function readBackups(client: pg.ClientBase, tracking: QualifiedTracking): Promise<BackupRecord[]> {
  const exists = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [
    backupsTable(tracking),
  ]);
  if (!exists.rows[0]?.ok) return [];
  const result = await client.query(`SELECT * FROM ${backupsTable(tracking)} ORDER BY created_at DESC, id DESC`);
  return result.rows.map((r) => ({
    id: r.id,
    env: r.env,
    database: r.database,
    version: r.version,
    format: r.format,
    path: r.path,
    sizeBytes: Number(r.size_bytes),
    durationMs: r.duration_ms,
    checksum: r.checksum,
    createdAt: (r.created_at as Date).toISOString(),
    createdBy: r.created_by,
  }));
}

/** Which backups retention removes: beyond the newest `keep`, or older than `keepDays`. Pure. */
export function backupsToPrune(
  records: readonly BackupRecord[],
  keep: number | undefined,
  keepDays: number | undefined,
  now: Date,
): BackupRecord[] {
  const sorted = [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return sorted.filter((record, index) => {
    if (keep !== undefined && index >= keep) return true;
    return keepDays !== undefined && now.getTime() - Date.parse(record.createdAt) > keepDays * 86_400_000;
  });
}
