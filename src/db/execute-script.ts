import pg from 'pg';
import { OgelError, type ErrorCode } from '../errors.js';
import type { ParsedStatement } from '../sql/parser.js';
import { lineColumnAt } from '../sql/position.js';
import type { PreparedScript } from '../sql/prepare-script.js';

/** Timeouts applied to every migration so it never queues live traffic behind it for long. */
export interface ExecutionSettings {
  /** lock_timeout for each statement; a statement that cannot get its lock in time is retried. */
  lockTimeoutMs: number;
  /** statement_timeout (0 disables it); undefined leaves the server's or role's setting alone. */
  statementTimeoutMs: number | undefined;
  /** How many times a migration is retried after lock_timeout fires or a deadlock cancels it. */
  lockRetries: number;
  /** First backoff; doubles each retry, with jitter, capped at 30 s. */
  retryBaseMs: number;
}

export const DEFAULT_EXECUTION: ExecutionSettings = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: undefined,
  lockRetries: 5,
  retryBaseMs: 500,
};

/** SQL that runs in the same transaction as the script: before its first and after its last statement. */
export interface ScriptFrame {
  /** Session reset, sent before BEGIN (the timeouts follow BEGIN as SET LOCAL). */
  before: string[];
  /** Tracking row and event writes, committed atomically with the script. */
  after: string[];
  /**
   * Statements that follow COMMIT in the same message (verify's schema reads): the server runs them only once
   * the script has committed, and their rows come back without a round trip of their own.
   */
  trailing?: readonly string[];
}

/** The rows each of a frame's `trailing` statements returned, in order. */
export type TrailingRows = Array<Array<Record<string, unknown>>>;

/** A frame's trailing statements failed after the script had committed: the script itself succeeded. */
export class TrailingStatementsFailed extends Error {
  constructor(cause: unknown) {
    super(`statements after the script's COMMIT failed: ${(cause as Error).message}`, { cause });
  }
}

/** Where a Postgres error happened in the file, mapped back from the server's error position. */
export interface FailureLocation {
  file: string;
  line: number;
  column: number;
  statement: string;
  statementIndex: number;
  sqlState: string | null;
  pgMessage: string;
  detail: string | null;
  hint: string | null;
  where: string | null;
}

/**
 * Failures another session caused that a retry can get past: lock_timeout fired, or the server broke a
 * deadlock by cancelling our statement. Either way nothing of the attempt was kept.
 */
const RETRYABLE = new Set(['55P03', '40P01']);
const INVALID_TRANSACTION_TERMINATION = '2D000';
const QUERY_CANCELED = '57014';

/** The equivalent of DISCARD ALL minus pg_advisory_unlock_all: the migration lock must survive the reset. */
export const SESSION_RESET = [
  'CLOSE ALL',
  'SET SESSION AUTHORIZATION DEFAULT',
  'RESET ALL',
  'DEALLOCATE ALL',
  'UNLISTEN *',
  'DISCARD PLANS',
  'DISCARD SEQUENCES',
  'DISCARD TEMP',
];

export function timeoutSettings(settings: ExecutionSettings, local: boolean): string[] {
  const scope = local ? 'SET LOCAL' : 'SET';
  const statements = [`${scope} lock_timeout = ${Math.floor(settings.lockTimeoutMs)}`];
  if (settings.statementTimeoutMs !== undefined)
    statements.push(`${scope} statement_timeout = ${Math.floor(settings.statementTimeoutMs)}`);
  return statements;
}

/**
 * Runs a script and its tracking writes in one transaction, in one round trip: a single simple-protocol message
 * carries the frame's `before`, BEGIN and the settings, every statement of the file, the tracking writes and
 * COMMIT. The server runs them in order and stops at the first error; which statement failed comes from the
 * error's position or, when it has none, from how many statements had completed. Retries the whole
 * transaction when lock_timeout fires or the server breaks a deadlock by cancelling it.
 */
export async function runInTransaction(
  client: pg.ClientBase,
  script: PreparedScript,
  frame: ScriptFrame,
  settings: ExecutionSettings,
  onLockRetry?: LockRetryListener,
  /** Stops the retries: a backoff in progress ends with {@link ScriptStopped}. */
  signal?: AbortSignal,
): Promise<TrailingRows> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendTransaction(client, script, frame, settings);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // The script committed: running it again would apply it twice.
      if (error instanceof TrailingStatementsFailed) throw error;
      const location = (error as ScriptFailure).location;
      if (location && RETRYABLE.has(location.sqlState ?? '') && attempt < settings.lockRetries) {
        const delay = backoff(settings.retryBaseMs, attempt);
        await onLockRetry?.(attempt + 1, delay, location);
        await sleep(delay, signal, 0);
        continue;
      }
      throw error;
    }
  }
}

/**
 * The script was stopped by its signal before statement `statementIndex` ran (between statements, or while a
 * retry waited): nothing of that statement ran.
 */
export class ScriptStopped extends Error {
  constructor(readonly statementIndex: number) {
    super('stopped before the statement ran');
  }
}

/** Told of each retry before its backoff; may look around (who blocked it) before the wait starts. */
export type LockRetryListener = (attempt: number, delayMs: number, location: FailureLocation) => void | Promise<void>;

async function sendTransaction(
  client: pg.ClientBase,
  script: PreparedScript,
  frame: ScriptFrame,
  settings: ExecutionSettings,
): Promise<TrailingRows> {
  const head = [...frame.before, 'BEGIN', ...timeoutSettings(settings, true)];
  let text = `${joinSql(head)};\n`;
  const offsets: number[] = [];
  for (const statement of script.statements) {
    offsets.push(text.length);
    // The newline first: a statement may end in a -- comment that would swallow the semicolon.
    text += `${statement.text}\n;\n`;
  }
  const trailing = frame.trailing ?? [];
  text += joinSql([...frame.after, 'COMMIT', ...trailing]);
  const committed = head.length + script.statements.length + frame.after.length + 1;
  const query = new CountingQuery(text, trailing.length > 0 ? committed : undefined);
  try {
    await query.run(client);
    return query.trailingRows;
  } catch (error) {
    if (query.completed >= committed) throw new TrailingStatementsFailed(error);
    if (script.statements.length === 0) throw error;
    throw failureInMessage(script, error, offsets, query.completed - head.length, frame.after.length);
  }
}

/**
 * The statement a failed message stopped at: by the error's position when the server gives one, else by the
 * number of the file's statements that completed (negative: the frame before them; past the last: the
 * tracking writes after them, or COMMIT — deferred constraints — which is the file's doing).
 */
function failureInMessage(
  script: PreparedScript,
  error: unknown,
  offsets: readonly number[],
  completedStatements: number,
  writes: number,
): ScriptFailure {
  const position = Number((error as pg.DatabaseError).position);
  let index: number;
  if (Number.isFinite(position)) {
    index = 0;
    while (index + 1 < offsets.length && offsets[index + 1]! <= position - 1) index++;
  } else {
    index = Math.min(Math.max(completedStatements, 0), offsets.length - 1);
  }
  const inTrackingWrite =
    !Number.isFinite(position) &&
    completedStatements >= offsets.length &&
    completedStatements < offsets.length + writes;
  return scriptFailure('MIGRATION_FAILED', script, index, offsets[index]!, error, inTrackingWrite);
}

/**
 * A query that counts the statements of a multi-statement message that completed (one CommandComplete each),
 * through pg's documented Query/Submittable extension point.
 */
class CountingQuery extends pg.Query {
  completed = 0;
  readonly trailingRows: TrailingRows = [];

  /** `keepRowsFrom`: the index of the first statement whose rows are kept (in `trailingRows`). */
  constructor(text: string, keepRowsFrom?: number) {
    super(text);
    if (keepRowsFrom !== undefined) {
      // Rows arrive before their statement's CommandComplete, so `completed` is the statement's index.
      this.on('row', (row: Record<string, unknown>) => {
        const index = this.completed - keepRowsFrom;
        if (index >= 0) (this.trailingRows[index] ??= []).push(row);
      });
    }
  }

  handleCommandComplete(message: unknown, connection: unknown): void {
    this.completed++;
    (
      pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: unknown): void }
    ).handleCommandComplete.call(this, message, connection);
  }

  run(client: pg.ClientBase): Promise<void> {
    return new Promise((resolve, reject) => {
      this.on('end', () => resolve());
      this.on('error', reject);
      client.query(this);
    });
  }
}

/**
 * Runs a script statement by statement in autocommit mode (CREATE INDEX CONCURRENTLY and friends). A statement
 * that hit lock_timeout or a deadlock is retried alone, except CONCURRENTLY ones, which can leave an invalid index behind.
 */
export async function runWithoutTransaction(
  client: pg.ClientBase,
  script: PreparedScript,
  settings: ExecutionSettings,
  onLockRetry?: LockRetryListener,
  /** Checked before each statement: a stopped run does not start the next one ({@link ScriptStopped}). */
  signal?: AbortSignal,
): Promise<void> {
  await client.query(joinSql(timeoutSettings(settings, false)));
  for (let i = 0; i < script.statements.length; i++) {
    if (signal?.aborted) throw new ScriptStopped(i);
    for (let attempt = 0; ; attempt++) {
      try {
        await runStatement(client, script, i);
        break;
      } catch (error) {
        const failure = error as ScriptFailure;
        const statement = script.statements[i]!;
        const retryable = RETRYABLE.has(failure.location?.sqlState ?? '') && !statement.node.concurrent;
        if (retryable && attempt < settings.lockRetries) {
          const delay = backoff(settings.retryBaseMs, attempt);
          await onLockRetry?.(attempt + 1, delay, failure.location!);
          await sleep(delay, signal, i);
          continue;
        }
        throw error;
      }
    }
  }
}

/** An OgelError that carries where in the file the server failed. */
export type ScriptFailure = OgelError & { location?: FailureLocation };

async function runStatement(client: pg.ClientBase, script: PreparedScript, index: number): Promise<void> {
  try {
    await client.query(script.statements[index]!.text);
  } catch (error) {
    throw scriptFailure('MIGRATION_FAILED', script, index, 0, error);
  }
}

/** Maps a server error to the file, line and column it came from. */
export function scriptFailure(
  code: ErrorCode,
  script: PreparedScript,
  index: number,
  prefixLength: number,
  error: unknown,
  afterStatement = false,
): ScriptFailure {
  const pgError = error as pg.DatabaseError;
  const statement: ParsedStatement = script.statements[index]!;
  let offset = statement.start;
  const position = Number(pgError.position);
  const inStatement = position - 1 - prefixLength;
  // Past the statement means the tracking writes that share its message failed, not the file.
  const inTrackingWrite = afterStatement || (Number.isFinite(position) && inStatement > statement.text.length);
  if (Number.isFinite(position) && inStatement >= 0 && !inTrackingWrite) offset = statement.start + inStatement;
  const { line, column } = lineColumnAt(script.sql, offset);
  const location: FailureLocation = {
    file: script.file,
    line,
    column,
    statement: statement.text,
    statementIndex: index,
    sqlState: pgError.code ?? null,
    pgMessage: pgError.message ?? String(error),
    detail: pgError.detail ?? null,
    hint: pgError.hint ?? null,
    where: pgError.where ?? null,
  };
  if (location.sqlState === QUERY_CANCELED && !location.hint && /statement timeout/.test(location.pgMessage))
    location.hint =
      "statement_timeout (the server's, the role's or --statement-timeout) ended this statement; pass a larger " +
      '--statement-timeout (0 = none) for this migration';
  // Procedural transaction control the parser could not see (a procedure created outside the migrations).
  if (location.sqlState === INVALID_TRANSACTION_TERMINATION && !location.hint)
    location.hint =
      'COMMIT/ROLLBACK in procedural code cannot run inside a transaction block, and this migration runs in one; ' +
      'if it must commit part-way, start the file with `-- ogel:no-transaction`';
  const firstLine = statement.text.split('\n')[0]!;
  const shown = firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine;
  const message =
    `${script.file}:${line}:${column}: ${inTrackingWrite ? 'recording the migration in the tracking table failed: ' : ''}${location.pgMessage}` +
    (location.detail ? `\n  detail: ${location.detail}` : '') +
    (location.hint ? `\n  hint: ${location.hint}` : '') +
    `\n  statement ${index + 1} of ${script.statements.length} (line ${statement.line}): ${shown}`;
  const failure = new OgelError(code, message, { ...location }, { cause: error }) as ScriptFailure;
  failure.location = location;
  return failure;
}

export function joinSql(statements: readonly string[]): string {
  return statements.join(';\n');
}

function backoff(baseMs: number, attempt: number): number {
  const exponential = Math.min(30_000, baseMs * 2 ** attempt);
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** A retry's backoff; an abort ends it at once with ScriptStopped(statementIndex). */
function sleep(ms: number, signal?: AbortSignal, statementIndex = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ScriptStopped(statementIndex));
    const stop = () => {
      clearTimeout(timer);
      reject(new ScriptStopped(statementIndex));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Runs a script without tracking writes (scratch databases: verify, drift). The session is reset first when
 * it may be `dirty` (a previous script on it may have changed its settings), so that can't change how this one
 * runs; pass `script.changesSession` of the previous script, as a tracked run does.
 */
export async function runUntracked(
  client: pg.ClientBase,
  script: PreparedScript,
  settings: ExecutionSettings,
  dirty = true,
): Promise<void> {
  await runUntrackedWith(client, script, settings, dirty, []);
}

/**
 * runUntracked, and `trailing` statements after the script's COMMIT in the same message. Their rows, or null
 * when the script runs outside a transaction (statement by statement): the caller then runs them itself.
 * Throws TrailingStatementsFailed when the script committed and a trailing statement failed.
 */
export async function runUntrackedWith(
  client: pg.ClientBase,
  script: PreparedScript,
  settings: ExecutionSettings,
  dirty: boolean,
  trailing: readonly string[],
): Promise<TrailingRows | null> {
  const reset = dirty ? SESSION_RESET : [];
  // In the transaction's first message, as a tracked run sends it: no round trip of its own.
  if (script.transactional) return runInTransaction(client, script, { before: reset, after: [], trailing }, settings);
  if (dirty) await client.query(joinSql(reset));
  await runWithoutTransaction(client, script, settings);
  return null;
}
