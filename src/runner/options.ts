import { OgelError } from '../errors.js';
import type { MigrationRunnerOptions } from './types.js';

/**
 * The largest timeout Postgres accepts for lock_timeout and statement_timeout (INT_MAX milliseconds, about 24.8
 * days), which is also the longest delay Node's timers keep: a larger one fires at once.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Retries of a migration whose lock_timeout fired: beyond this, backoff alone spans days. */
export const MAX_LOCK_RETRIES = 1_000;

const RANGES: Array<[keyof MigrationRunnerOptions, number, number]> = [
  ['lockTimeoutMs', 0, MAX_TIMEOUT_MS],
  ['statementTimeoutMs', 0, MAX_TIMEOUT_MS],
  ['lockWaitMs', 0, MAX_TIMEOUT_MS],
  ['retryBaseMs', 0, MAX_TIMEOUT_MS],
  ['lockRetries', 0, MAX_LOCK_RETRIES],
];

/**
 * Refuses numeric options the server or the timers cannot honour, before anything connects: a value that is not
 * an integer in range would otherwise fail mid-run (`SET lock_timeout` refuses it) or silently mean something
 * else (a timer past its limit fires at once).
 */
export function checkRunnerOptions(options: MigrationRunnerOptions): void {
  for (const [key, min, max] of RANGES) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new OgelError('USAGE', `${key} must be an integer from ${min} to ${max} (got ${String(value)})`, {
        option: key,
        value: String(value),
      });
  }
}
