import type pg from 'pg';
import type { AppliedRow } from '../core/migration.js';
import { identifier, literal } from './sql-literals.js';

/** Where the tracking table and the event log live. */
export interface TrackingNames {
  schema: string;
  table: string;
  eventsTable: string;
}

export const DEFAULT_TRACKING: TrackingNames = {
  schema: 'platform',
  table: 'schema_migrations',
  eventsTable: 'schema_migration_events',
};

export interface QualifiedTracking {
  names: TrackingNames;
  /** `platform.schema_migrations`, for messages. */
  display: string;
  table: string;
  events: string;
  schema: string;
}

export function qualify(names: TrackingNames): QualifiedTracking {
  const schema = identifier(names.schema, 'schema');
  return {
    names,
    display: `${names.schema}.${names.table}`,
    schema,
    table: `${schema}.${identifier(names.table, 'table')}`,
    events: `${schema}.${identifier(names.eventsTable, 'eventsTable')}`,
  };
}

/** Kinds of rows in the append-only event log. */
export type EventKind = 'apply' | 'rollback' | 'baseline' | 'repair' | 'backup' | 'restore' | 'promotion_override';

/** Milliseconds since the transaction began: now() is the transaction start, clock_timestamp() is now. */
const ELAPSED_IN_TRANSACTION = '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer';

export interface EventRecord {
  event: EventKind;
  outcome: 'success' | 'failure';
  version?: string | null;
  name?: string | null;
  error?: string | null;
  durationMs?: number | null | 'transaction';
  runId: string;
  actor: string;
  host: string;
  details?: Record<string, unknown>;
}

/** Idempotent; run while holding the advisory lock so concurrent first runs don't race on CREATE TABLE. */
export function createTrackingTablesSql(t: QualifiedTracking): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${t.schema};
CREATE TABLE IF NOT EXISTS ${t.table} (
  version       text PRIMARY KEY,
  name          text NOT NULL,
  checksum      text NOT NULL,
  down_checksum text,
  kind          text NOT NULL DEFAULT 'migration' CHECK (kind IN ('migration', 'baseline')),
  status        text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'failed', 'running')),
  applied_at    timestamptz DEFAULT now(),
  applied_by    text NOT NULL,
  execution_ms  integer,
  error         text
);
CREATE TABLE IF NOT EXISTS ${t.events} (
  id          bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  run_id      uuid NOT NULL,
  event       text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('success', 'failure')),
  version     text,
  name        text,
  error       text,
  duration_ms integer,
  actor       text NOT NULL,
  host        text NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}'
);`;
}

export async function trackingTableExists(client: pg.ClientBase, t: QualifiedTracking): Promise<boolean> {
  const result = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [t.table]);
  return result.rows[0]?.exists === true;
}

/**
 * Every tracking row. The rows arrive as one JSON array (built by the server) rather than one protocol row
 * each: with thousands of rows, node-postgres' per-row parsing was most of `status`'s CPU time in this process,
 * while the server builds the array on its own core, overlapped with the reading of the files.
 */
export async function readAppliedRows(client: pg.ClientBase, t: QualifiedTracking): Promise<AppliedRow[]> {
  if (!(await trackingTableExists(client, t))) return [];
  // applied_at as ISO text in UTC, milliseconds truncated: exactly what toISOString() gives for the Date
  // node-postgres would have built, without building 10,000 of them only to print them again.
  const result = await client.query<{ rows: string }>(
    `SELECT coalesce(json_agg(json_build_array(version, name, checksum, down_checksum, kind, status,
       to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), applied_by, execution_ms, error)), '[]')::text AS rows
     FROM ${t.table}`,
  );
  const rows = JSON.parse(result.rows[0]!.rows) as RowTuple[];
  return rows.map((r) => ({
    version: r[0],
    name: r[1],
    checksum: r[2],
    downChecksum: r[3],
    kind: r[4],
    status: r[5],
    appliedAt: r[6],
    appliedBy: r[7],
    executionMs: r[8],
    error: r[9],
  }));
}

type RowTuple = [
  version: string,
  name: string,
  checksum: string,
  downChecksum: string | null,
  kind: 'migration' | 'baseline',
  status: 'applied' | 'failed' | 'running',
  appliedAt: string | null,
  appliedBy: string,
  executionMs: number | null,
  error: string | null,
];

export interface RowValues {
  version: string;
  name: string;
  checksum: string;
  downChecksum: string | null;
  kind: 'migration' | 'baseline';
  status: 'applied' | 'failed' | 'running';
  /** Identity of the runner; the database role is added server-side with current_user. */
  by: string;
  /** `transaction` measures server-side from the transaction's start to this row's insert. */
  executionMs: number | null | 'transaction';
  error?: string | null;
  /** `unknown` leaves applied_at NULL (introspected baselines: we don't invent a date). */
  appliedAt?: 'now' | 'unknown';
}

/**
 * Inserts or replaces a version's row (a re-run after `repair` replaces a failed row). `insertOnly` when no row
 * can exist yet (a pending migration's own transaction): a plain INSERT is cheaper, and a row that appeared
 * anyway would be a bug worth failing on.
 */
export function upsertRowSql(t: QualifiedTracking, v: RowValues, insertOnly = false): string {
  const appliedAt = v.appliedAt === 'unknown' ? 'NULL' : 'now()';
  return `INSERT INTO ${t.table} (version, name, checksum, down_checksum, kind, status, applied_at, applied_by, execution_ms, error)
VALUES (${literal(v.version)}, ${literal(v.name)}, ${literal(v.checksum)}, ${literal(v.downChecksum)}, ${literal(v.kind)}, ${literal(v.status)}, ${appliedAt}, current_user || ' ' || ${literal(v.by)}, ${v.executionMs === 'transaction' ? ELAPSED_IN_TRANSACTION : literal(v.executionMs)}, ${literal(v.error ?? null)})${
    insertOnly
      ? ''
      : `
ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, down_checksum = EXCLUDED.down_checksum,
  kind = EXCLUDED.kind, status = EXCLUDED.status, applied_at = EXCLUDED.applied_at, applied_by = EXCLUDED.applied_by,
  execution_ms = EXCLUDED.execution_ms, error = EXCLUDED.error`
  }`;
}

/**
 * Several writes as one statement: each but the last in a data-modifying CTE, which runs to completion even
 * though nothing reads it. One parse, plan and executor start instead of one per write — it shows when a
 * migration is a single INSERT and its bookkeeping would otherwise cost as much as the migration.
 */
export function asOneStatement(writes: readonly string[]): string {
  if (writes.length <= 1) return writes[0] ?? '';
  const leading = writes.slice(0, -1).map((write, i) => `write_${i} AS (${write})`);
  return `WITH ${leading.join(',\n')}\n${writes.at(-1)}`;
}

export function deleteRowSql(t: QualifiedTracking, version: string): string {
  return `DELETE FROM ${t.table} WHERE version = ${literal(version)}`;
}

export function insertEventSql(t: QualifiedTracking, e: EventRecord): string {
  return `INSERT INTO ${t.events} (run_id, event, outcome, version, name, error, duration_ms, actor, host, details)
VALUES (${literal(e.runId)}, ${literal(e.event)}, ${literal(e.outcome)}, ${literal(e.version ?? null)}, ${literal(e.name ?? null)}, ${literal(e.error ?? null)}, ${e.durationMs === 'transaction' ? ELAPSED_IN_TRANSACTION : literal(e.durationMs ?? null)}, current_user || ' ' || ${literal(e.actor)}, ${literal(e.host)}, ${literal(JSON.stringify(e.details ?? {}))}::jsonb)`;
}

/** One row of the event log as the API returns it. */
export interface HistoryEvent {
  id: number;
  occurredAt: string;
  runId: string;
  event: string;
  outcome: 'success' | 'failure';
  version: string | null;
  name: string | null;
  error: string | null;
  durationMs: number | null;
  actor: string;
  host: string;
  details: Record<string, unknown>;
}

/** Newest first; `before` is an event id for keyset pagination. */
export async function readHistory(
  client: pg.ClientBase,
  t: QualifiedTracking,
  options: { limit: number; before?: number; version?: string; event?: string; outcome?: 'success' | 'failure' },
): Promise<HistoryEvent[]> {
  if (!(await trackingTableExists(client, t))) return [];
  const result = await client.query(
    `SELECT id, occurred_at, run_id, event, outcome, version, name, error, duration_ms, actor, host, details
       FROM ${t.events}
      WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR version = $2) AND ($3::text IS NULL OR event = $3)
        AND ($5::text IS NULL OR outcome = $5)
      ORDER BY id DESC LIMIT $4`,
    [options.before ?? null, options.version ?? null, options.event ?? null, options.limit, options.outcome ?? null],
  );
  return result.rows.map((r) => ({
    id: Number(r.id),
    occurredAt: (r.occurred_at as Date).toISOString(),
    runId: r.run_id,
    event: r.event,
    outcome: r.outcome,
    version: r.version,
    name: r.name,
    error: r.error,
    durationMs: r.duration_ms,
    actor: r.actor,
    host: r.host,
    details: r.details ?? {},
  }));
}
