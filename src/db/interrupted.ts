import { OgelError } from '../errors.js';

/** What stopped a run, for messages: the signal's name (`SIGTERM`) when the CLI aborted, else the reason given. */
export function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  return reason instanceof Error && reason.message ? reason.message : 'aborted';
}

/** INTERRUPTED: the caller's signal stopped the run; `message` says what that left behind. */
export function interruptedError(
  signal: AbortSignal,
  message: string,
  details: Record<string, unknown> = {},
): OgelError {
  const by = stopReason(signal);
  return new OgelError('INTERRUPTED', `Interrupted (${by}): ${message}`, { signal: by, ...details });
}

/** Aborted when any of the given signals is (a wait either stop should end); undefined when none is given. */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  return given.length <= 1 ? given[0] : AbortSignal.any(given);
}
