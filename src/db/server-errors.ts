import { OgelError } from '../errors.js';
import { maskUrl } from './url.js';

/**
 * Driver and server errors outside a migration's own statements (taking the lock, creating and reading the
 * tracking tables, reports) as typed errors: a condition that has a name never reaches a user as INTERNAL.
 */

const CONNECTION_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** SQLSTATE (or errno) of a driver error, if it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The connection is gone (or going): the server was restarted or shut down, the backend terminated, the network
 * cut. Whatever was in flight may or may not have been committed by the server.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof OgelError) return error.code === 'DB_CONNECTION';
  const state = sqlStateOf(error);
  if (state !== undefined)
    // Class 08 (connection exception); 57P01–57P03: terminated by an administrator, crash or shutdown.
    return state.startsWith('08') || /^57P0[1-3]$/.test(state) || CONNECTION_ERRNOS.has(state);
  return /Connection terminated|not queryable|connection error|socket/i.test((error as Error)?.message ?? '');
}

/**
 * `error` as the typed error for what ogel-migrate was `doing` ("reading the tracking table", …); any other
 * error as it is (a bug keeps its stack).
 */
export function serverError(error: unknown, doing: string): unknown {
  if (error instanceof OgelError) return error;
  const message = maskUrl((error as Error)?.message ?? String(error));
  const state = sqlStateOf(error);
  const details = state ? { sqlState: state } : {};
  const options = { cause: error };
  if (isConnectionLoss(error))
    return new OgelError(
      'DB_CONNECTION',
      `Lost the connection to the database while ${doing}: ${message}`,
      details,
      options,
    );
  switch (state) {
    case '40P01':
      return new OgelError(
        'DEADLOCK',
        `Deadlock with another session while ${doing}: ${message}. The server cancelled this run's statement; nothing of it was committed, so running again is safe.`,
        details,
        options,
      );
    case '57014':
      return new OgelError(
        'STATEMENT_TIMEOUT',
        `Cancelled by statement_timeout while ${doing}: ${message}. The server's or role's setting is too short for this; raise it (ALTER ROLE … SET statement_timeout) or pass --statement-timeout.`,
        details,
        options,
      );
    case '42501':
      return new OgelError(
        'INSUFFICIENT_PRIVILEGE',
        `The database role lacks a privilege for ${doing}: ${message}`,
        details,
        options,
      );
    default:
      return error;
  }
}
