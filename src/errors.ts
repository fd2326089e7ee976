/**
 * Every failure the library reports is an {@link OgelError} with a stable `code`. The CLI maps the code to an
 * exit status and the HTTP service to a status and JSON body, so callers never parse messages.
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'INVALID_DATABASE_URL'
  | 'INVALID_MIGRATION_FILES'
  | 'UNKNOWN_PLACEHOLDER'
  | 'SQL_SYNTAX'
  | 'TRANSACTION_CONTROL_IN_TRANSACTIONAL_MIGRATION'
  | 'CHECKSUM_MISMATCH'
  | 'MISSING_MIGRATION_FILE'
  | 'OUT_OF_ORDER'
  | 'FAILED_MIGRATION_PRESENT'
  | 'MIGRATION_FAILED'
  | 'ROLLBACK_FAILED'
  | 'DOWN_MISSING'
  | 'UNKNOWN_VERSION'
  | 'LOCK_TIMEOUT'
  | 'DB_CONNECTION'
  | 'DEADLOCK'
  | 'STATEMENT_TIMEOUT'
  | 'INSUFFICIENT_PRIVILEGE'
  | 'INTERRUPTED'
  | 'NOT_FOUND'
  | 'CONFIRMATION_REQUIRED'
  | 'PLAN_CHANGED'
  | 'PROMOTION_REFUSED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'VERIFY_FAILED'
  | 'LINT_FAILED'
  | 'BACKUP_FAILED'
  | 'RESTORE_FAILED'
  | 'STORE_FAILED'
  | 'TOOL_VERSION_MISMATCH'
  /** import --database-url: the peer tool's own history shows a failed or dirty migration. */
  | 'PEER_STATE_DIRTY'
  | 'INTERNAL';

/** Where in a migration file an error happened (1-based line and column). */
export interface SqlLocation {
  file: string;
  line: number;
  column: number;
  /** The statement's text, trimmed, as written in the file. */
  statement?: string;
}

export class OgelError extends Error {
  override readonly name = 'OgelError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Structured details safe to show a user (never a password). */
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'USAGE',
  'CONFIG_INVALID',
  'INVALID_DATABASE_URL',
  'INVALID_MIGRATION_FILES',
  'UNKNOWN_PLACEHOLDER',
  'SQL_SYNTAX',
  'TRANSACTION_CONTROL_IN_TRANSACTIONAL_MIGRATION',
  'UNKNOWN_VERSION',
  'NOT_FOUND',
]);

/** CLI exit status: 2 for anything the user must fix in their input, 1 for a failed migration or check. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof OgelError && USAGE_CODES.has(error.code)) return 2;
  return 1;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  UNKNOWN_VERSION: 400,
  NOT_FOUND: 404,
  LOCK_TIMEOUT: 409,
  // Precondition Required: the request must carry a confirmation bound to a plan id.
  CONFIRMATION_REQUIRED: 428,
  PLAN_CHANGED: 409,
  PROMOTION_REFUSED: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CHECKSUM_MISMATCH: 409,
  MISSING_MIGRATION_FILE: 409,
  OUT_OF_ORDER: 409,
  FAILED_MIGRATION_PRESENT: 409,
  DOWN_MISSING: 409,
  PEER_STATE_DIRTY: 409,
  MIGRATION_FAILED: 422,
  // The backup cannot be restored as it is (corrupt, truncated, pg_restore refused it): nothing was changed.
  RESTORE_FAILED: 422,
  ROLLBACK_FAILED: 422,
  VERIFY_FAILED: 422,
  LINT_FAILED: 422,
  INVALID_MIGRATION_FILES: 422,
  UNKNOWN_PLACEHOLDER: 422,
  SQL_SYNTAX: 422,
  TRANSACTION_CONTROL_IN_TRANSACTIONAL_MIGRATION: 422,
  DB_CONNECTION: 503,
  // Another session's locks: nothing was committed, a later run can succeed.
  DEADLOCK: 409,
  STATEMENT_TIMEOUT: 504,
  // The database role cannot do what the service needs: not the caller's fault, and not fixed by retrying.
  INSUFFICIENT_PRIVILEGE: 503,
  // The process was asked to stop (SIGINT/SIGTERM) and cancelled what it was doing.
  INTERRUPTED: 503,
  // The backup the rules ask for could not be made: the run did not start.
  BACKUP_FAILED: 422,
  // The service's pg_dump / pg_restore cannot serve this server: fixed where the service is installed.
  TOOL_VERSION_MISMATCH: 503,
  // The backup store (a bucket, a folder) failed us: an upstream's fault, not the caller's.
  STORE_FAILED: 502,
};

/** HTTP status for an error; unknown (non-Ogel) errors are 500 and must never leak their stack. */
export function httpStatusFor(error: unknown): number {
  if (error instanceof OgelError) return HTTP_STATUS[error.code] ?? 500;
  return 500;
}

export function isOgelError(error: unknown, code?: ErrorCode): error is OgelError {
  return error instanceof OgelError && (code === undefined || error.code === code);
}
