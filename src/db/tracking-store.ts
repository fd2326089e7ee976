import type pg from 'pg';
import type { AppliedRow } from '../core/migration.js';
import { OgelError } from '../errors.js';
import { identifier, literal } from './sql-literals.js';
import { maskUrl } from './url.js';
import { serverError, sqlStateOf } from './server-errors.js';

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
  /** The function behind the trigger that keeps the event log append-only. */
  eventsGuard: string;
  /** The one documented way to delete old events: `<schema>.<eventsTable>_prune(before timestamptz)`. */
  eventsPrune: string;
}

export function qualify(names: TrackingNames): QualifiedTracking {
  // pg_catalog, pg_toast, pg_temp (temporary tables, gone with the session!), information_schema: the server's.
  if (/^pg_/.test(names.schema) || names.schema === 'information_schema')
    throw new OgelError(
      'CONFIG_INVALID',
      `schema "${names.schema}" is a system schema: the tracking tables cannot live there (use your own, e.g. "platform")`,
      { schema: names.schema },
    );
  const schema = identifier(names.schema, 'schema');
  return {
    names,
    display: `${names.schema}.${names.table}`,
    schema,
    table: `${schema}.${identifier(names.table, 'table')}`,
    events: `${schema}.${identifier(names.eventsTable, 'eventsTable')}`,
    eventsGuard: `${schema}.${identifier(`${names.eventsTable}_append_only`, 'eventsTable')}`,
    eventsPrune: `${schema}.${identifier(`${names.eventsTable}_prune`, 'eventsTable')}`,
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
export function createTrackingTablesSql(t: QualifiedTracking, withSchema = true): string {
  return `${withSchema ? `\nCREATE SCHEMA IF NOT EXISTS ${t.schema};` : ''}
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
);${eventLogGuardSql(t)}`;
}

/**
 * The event log only grows: a trigger refuses UPDATE, DELETE and TRUNCATE, so history cannot be rewritten by a
 * stray statement (or by a restore, which re-appends instead). Old events go only through the prune function,
 * which deletes by age. This guards against accidents, not against the table's owner, who can drop a trigger.
 * Created once (checked in the catalog) so a run does not rewrite pg_proc each time.
 */
function eventLogGuardSql(t: QualifiedTracking): string {
  const guardName = literal(t.eventsGuard);
  // The call stack, not a setting anyone could SET, tells the guard that a DELETE comes from the prune function.
  const pruneFrame = literal(`%function ${t.eventsPrune.replace(/"/g, '')}(timestamp with time zone)%`);
  const message = literal(
    `the event log ${t.names.schema}.${t.names.eventsTable} is append-only: % refused (old events go only through ${t.names.schema}.${t.names.eventsTable}_prune(before timestamptz))`,
  );
  return `
DO $ogel$
BEGIN
  IF to_regprocedure(${guardName} || '()') IS NULL THEN
    EXECUTE $f$CREATE FUNCTION ${t.eventsGuard}() RETURNS trigger LANGUAGE plpgsql AS $b$
      DECLARE stack text;
      BEGIN
        GET DIAGNOSTICS stack = PG_CONTEXT;
        IF TG_OP = 'DELETE' AND stack LIKE ${pruneFrame} THEN RETURN OLD; END IF;
        RAISE EXCEPTION ${message}, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $b$$f$;
    EXECUTE $f$CREATE FUNCTION ${t.eventsPrune}(before timestamptz) RETURNS bigint LANGUAGE plpgsql AS $b$
      DECLARE removed bigint;
      BEGIN
        DELETE FROM ${t.events} WHERE occurred_at < before;
        GET DIAGNOSTICS removed = ROW_COUNT;
        RETURN removed;
      END $b$$f$;
    EXECUTE $f$CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON ${t.events} FOR EACH ROW EXECUTE FUNCTION ${t.eventsGuard}()$f$;
    EXECUTE $f$CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON ${t.events} FOR EACH STATEMENT EXECUTE FUNCTION ${t.eventsGuard}()$f$;
  END IF;
END $ogel$;`;
}

/**
 * Creates what is missing of the tracking schema and tables (under the migration lock). A schema that exists is
 * not created again: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even then, and a role that may
 * not create schemas works in one an owner made for it. A missing privilege is INSUFFICIENT_PRIVILEGE saying
 * which, and the statement that grants it.
 */
export async function ensureTrackingTables(client: pg.ClientBase, t: QualifiedTracking): Promise<void> {
  try {
    const found = await client.query<{ schema: boolean; tables: boolean }>(
      'SELECT to_regnamespace($1) IS NOT NULL AS schema, to_regclass($2) IS NOT NULL AND to_regclass($3) IS NOT NULL AS tables',
      [t.names.schema, t.table, t.events],
    );
    const { schema, tables } = found.rows[0]!;
    if (!tables) await client.query(createTrackingTablesSql(t, !schema));
  } catch (error) {
    if (sqlStateOf(error) !== '42501') throw serverError(error, `creating the tracking tables ${t.display}`);
    throw await privilegeError(client, t, error);
  }
}

async function privilegeError(client: pg.ClientBase, t: QualifiedTracking, error: unknown): Promise<OgelError> {
  const who = await client
    .query<{ role: string; database: string }>('SELECT current_user AS role, current_database() AS database')
    .then((r) => r.rows[0]!)
    .catch(() => ({ role: 'this role', database: 'this database' }));
  const schema = t.names.schema;
  const message = (error as Error).message;
  const onDatabase = /for database/.test(message);
  const fix = onDatabase
    ? `it may not create schemas in database "${who.database}". Have an owner create the schema once: ` +
      `CREATE SCHEMA ${schema} AUTHORIZATION ${who.role}; (or GRANT CREATE ON DATABASE ${who.database} TO ${who.role}), ` +
      'or use --schema with a schema it owns'
    : `it needs USAGE and CREATE on schema ${schema} (GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${who.role};) ` +
      `and, if the tables exist, SELECT, INSERT, UPDATE, DELETE on them and USAGE on ${schema}.${t.names.eventsTable}_id_seq`;
  return new OgelError(
    'INSUFFICIENT_PRIVILEGE',
    `Role "${who.role}" cannot create the tracking tables ${t.display} (${message}): ${fix}.`,
    {
      sqlState: '42501',
      role: who.role,
      schema,
      privilege: onDatabase ? 'CREATE on the database' : 'USAGE, CREATE on the schema',
    },
    { cause: error },
  );
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
    // Rows written before errors were masked may still hold a password; none leaves through a report.
    error: r[9] === null ? null : maskUrl(r[9]),
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
    error: r.error === null ? null : maskUrl(r.error),
    durationMs: r.duration_ms,
    actor: r.actor,
    host: r.host,
    details: r.details ? (JSON.parse(maskUrl(JSON.stringify(r.details))) as Record<string, unknown>) : {},
  }));
}
