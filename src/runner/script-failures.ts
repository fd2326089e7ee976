import type { Migration } from '../core/migration.js';
import { ScriptStopped, type ScriptFailure } from '../db/execute-script.js';
import { interruptedError } from '../db/interrupted.js';
import { isConnectionLoss, sqlStateOf } from '../db/server-errors.js';
import { maskUrl } from '../db/url.js';
import { OgelError } from '../errors.js';
import type { PreparedScript } from '../sql/prepare-script.js';
import type { RunContext } from './context.js';

/**
 * A migration that failed for a reason other than its SQL — the run was stopped, the connection was lost — as
 * the typed error that says what it left behind, rather than MIGRATION_FAILED.
 */

/**
 * INTERRUPTED when the run's signal stopped the script: its statement cancelled on the server, or the script
 * stopped between statements or during a retry's backoff. Says what that leaves: nothing of a transactional
 * migration, the statements before the stop of a no-transaction one (recorded as failed). Undefined otherwise.
 */
export function interruption(
  error: unknown,
  ctx: RunContext,
  script: PreparedScript,
  cancelSent: boolean,
): ScriptFailure | undefined {
  const signal = ctx.signal;
  if (!signal?.aborted) return undefined;
  const location = (error as ScriptFailure).location;
  const cancelledOnServer = cancelSent && (location?.sqlState ?? sqlStateOf(error)) === QUERY_CANCELED;
  if (!(error instanceof ScriptStopped) && !cancelledOnServer) return undefined;
  const index = error instanceof ScriptStopped ? error.statementIndex : location?.statementIndex;
  const statement = index === undefined ? undefined : script.statements[index];
  const what = statement
    ? `statement ${index! + 1} of ${script.statements.length} (line ${statement.line}) ${error instanceof ScriptStopped ? 'was not started' : 'was cancelled'}, the statements before it stay applied`
    : // The cancel reached the tracking write after the last statement.
      'all its statements ran, but recording it was cancelled';
  const message = script.transactional
    ? `${script.file} was cancelled on the server and rolled back with its tracking row: nothing of it is applied.`
    : `${script.file} runs outside a transaction; ${what}. It is recorded as failed: inspect the database, finish ` +
      'or undo it by hand, then run `ogel-migrate repair` (or `repair --mark-applied` if it is complete).';
  const interrupted = interruptedError(signal, message, {
    file: script.file,
    transactional: script.transactional,
    ...(location ?? {}),
  }) as ScriptFailure;
  if (location) interrupted.location = location;
  return interrupted;
}

/** The server's SQLSTATE for a statement cancelled by a cancel request (or statement_timeout). */
const QUERY_CANCELED = '57014';

/**
 * DB_CONNECTION when the connection, not the script, failed (a restart, a terminated backend, the network),
 * saying what that means for this migration; undefined for any other failure.
 */
export function connectionLost(
  error: unknown,
  migration: Migration,
  script: PreparedScript,
): ScriptFailure | undefined {
  const cause = error instanceof OgelError ? error.cause : error;
  if (!isConnectionLoss(cause) && !isConnectionLoss(error)) return undefined;
  const location = (error as ScriptFailure).location;
  const what = maskUrl((cause as Error)?.message ?? String(cause));
  const outcome = script.transactional
    ? 'Its transaction and its tracking row were committed together or not at all: `ogel-migrate status` shows which.'
    : 'It ran outside a transaction and may be partly applied; its row stays `running` (shown as failed): inspect ' +
      'the database, finish or undo it by hand, then run `ogel-migrate repair`.';
  const lost = new OgelError(
    'DB_CONNECTION',
    `${script.file}: lost the connection to the database while this migration ran (${what}). ${outcome}`,
    { ...location, file: script.file, version: migration.version, transactional: script.transactional },
    { cause },
  ) as ScriptFailure;
  if (location) lost.location = location;
  return lost;
}
