import {
  joinSql,
  runInTransaction,
  runWithoutTransaction,
  SESSION_RESET,
  type FailureLocation,
  type ScriptFailure,
} from '../db/execute-script.js';
import { literal } from '../db/sql-literals.js';
import { maskUrl } from '../db/url.js';
import { describeBlockers, lockBlockers } from '../db/lock-blockers.js';
import { locksFor } from '../sql/locks.js';
import { connectionLost, interruption } from './script-failures.js';
import { insertEventSql, upsertRowSql, type EventRecord, type RowValues } from '../db/tracking-store.js';
import type { Migration } from '../core/migration.js';
import type { PreparedScript } from '../sql/prepare-script.js';
import { actorOf, type RunContext } from './context.js';
import type { Direction } from './events.js';

/** What must be written when a script succeeds, in the same transaction as the script where it has one. */
export interface ScriptOutcome {
  /** Tracking-table change on success (insert the row on up, delete it on down). */
  onSuccess: (durationMs: number | 'transaction') => string[];
}

/**
 * Runs one migration script with its tracking writes. Transactional scripts commit together with their row
 * and event, or not at all. Non-transactional scripts are bracketed by a `running` row, so a runner killed
 * half-way leaves a visible `failed` state instead of a silent half-applied migration.
 */
export async function runScript(
  ctx: RunContext,
  migration: Migration,
  direction: Direction,
  script: PreparedScript,
  outcome: ScriptOutcome,
  index: number,
  total: number,
): Promise<number> {
  const { session, events, runId } = ctx;
  const client = session.client;
  events.emit('migration:start', {
    runId,
    version: migration.version,
    name: migration.name,
    direction,
    transactional: script.transactional,
    index,
    total,
  });
  const reset = ctx.sessionDirty ? sessionReset(ctx) : [];
  // Set before running: a script that fails half-way may have changed the session as well.
  ctx.sessionDirty = script.changesSession;
  const onLockRetry = async (attempt: number, delayMs: number, location: FailureLocation) => {
    // Who held the tables the statement waited for: a retry loop is only actionable with a pid to look at.
    const statement = script.statements[location.statementIndex];
    const blockers = statement
      ? await lockBlockers(client, [...new Set(locksFor(statement).map((l) => l.relation))])
      : [];
    const by =
      blockers.length > 0 ? `; held by ${describeBlockers(blockers)}` : location.detail ? `; ${location.detail}` : '';
    events.emit('migration:retry', {
      runId,
      version: migration.version,
      attempt,
      delayMs,
      reason: `${location.pgMessage} (${location.file}:${location.line})${by}`,
      blockers,
    });
  };
  const started = performance.now();
  // A stop while the script runs: ask the server to cancel the running statement (Ctrl-C in psql does the same).
  const { signal } = ctx;
  let cancelled: Promise<boolean> | undefined;
  const cancel = () => void (cancelled ??= session.cancel());
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (script.transactional) {
      const asSessionUser = script.changesSession ? [AS_SESSION_USER] : [];
      await runInTransaction(
        client,
        script,
        { before: reset, after: [...asSessionUser, ...outcome.onSuccess('transaction')] },
        ctx.settings,
        onLockRetry,
        signal,
      );
    } else {
      const running = rowValues(ctx, migration, 'running', null);
      await client.query(joinSql([...reset, upsertRowSql(ctx.tracking, running)]));
      await runWithoutTransaction(client, script, ctx.settings, onLockRetry, signal);
      const elapsed = Math.round(performance.now() - started);
      await client.query(joinSql(['BEGIN', AS_SESSION_USER, ...outcome.onSuccess(elapsed), 'COMMIT']));
    }
  } catch (raw) {
    // The cancel request settles before anything else is sent: it must not hit the failure's bookkeeping.
    if (cancelled) await cancelled;
    const error =
      interruption(raw, ctx, script, cancelled !== undefined) ?? connectionLost(raw, migration, script) ?? raw;
    const failure = error as ScriptFailure;
    // What is stored and broadcast never holds a password (a failed CREATE ROLE … PASSWORD, a dblink URL).
    const message = maskUrl(failure instanceof Error ? failure.message : String(error));
    await recordFailure(
      ctx,
      migration,
      direction,
      script,
      message,
      Math.round(performance.now() - started),
      failure.location,
    );
    events.emit('migration:failed', {
      runId,
      version: migration.version,
      name: migration.name,
      direction,
      error: message,
    });
    throw error;
  } finally {
    signal?.removeEventListener('abort', cancel);
    if (cancelled) await cancelled;
  }
  const durationMs = Math.round(performance.now() - started);
  events.emit('migration:done', { runId, version: migration.version, name: migration.name, direction, durationMs });
  return durationMs;
}

/**
 * Best effort: the connection may be the thing that failed. A transactional failure leaves no row (nothing
 * was applied); a non-transactional one leaves a `failed` row that blocks migrate until `repair`.
 */
async function recordFailure(
  ctx: RunContext,
  migration: Migration,
  direction: Direction,
  script: PreparedScript,
  message: string,
  durationMs: number,
  location: FailureLocation | undefined,
): Promise<void> {
  const writes = [
    eventSql(ctx, direction === 'up' ? 'apply' : 'rollback', 'failure', migration, durationMs, message, {
      file: script.file,
      transactional: script.transactional,
      ...(location
        ? {
            line: location.line,
            column: location.column,
            statement: maskUrl(location.statement),
            sqlState: location.sqlState,
          }
        : {}),
    }),
  ];
  if (!script.transactional) {
    const error = direction === 'up' ? message : `rollback failed: ${message}`;
    writes.unshift(upsertRowSql(ctx.tracking, rowValues(ctx, migration, 'failed', null, error)));
  }
  // The script may have left an aborted transaction, a changed role or search_path behind.
  await ctx.session.client.query('ROLLBACK').catch(() => {});
  await ctx.session.client.query(joinSql([...sessionReset(ctx), ...writes])).catch(() => {});
}

/**
 * A script may SET ROLE to a role that cannot write the tracking table; its row is written as the session
 * user. SET LOCAL keeps the script's own setting intact for the rest of the session (which is reset anyway).
 */
const AS_SESSION_USER = 'SET LOCAL ROLE NONE';

function sessionReset(ctx: RunContext): string[] {
  return [...SESSION_RESET, `SELECT set_config('application_name', ${literal(ctx.holderApplicationName)}, false)`];
}

export function rowValues(
  ctx: RunContext,
  migration: Migration,
  status: RowValues['status'],
  executionMs: RowValues['executionMs'],
  error: string | null = null,
  kind: RowValues['kind'] = 'migration',
): RowValues {
  return {
    version: migration.version,
    name: migration.name,
    checksum: migration.checksum,
    downChecksum: migration.downChecksum ?? null,
    kind,
    status,
    by: actorOf(ctx.identity),
    executionMs,
    error,
    ...(kind === 'baseline' ? { appliedAt: 'unknown' as const } : {}),
  };
}

export function eventSql(
  ctx: RunContext,
  event: EventRecord['event'],
  outcome: EventRecord['outcome'],
  migration: { version: string; name: string } | null,
  durationMs: EventRecord['durationMs'],
  error: string | null = null,
  details: Record<string, unknown> = {},
): string {
  return insertEventSql(ctx.tracking, {
    event,
    outcome,
    version: migration?.version ?? null,
    name: migration?.name ?? null,
    error,
    durationMs,
    runId: ctx.runId,
    actor: actorOf(ctx.identity),
    host: ctx.identity.host,
    details: { client: ctx.identity.client, pid: ctx.identity.pid, ...ctx.audit, ...details },
  });
}
