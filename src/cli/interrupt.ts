import { constants } from 'node:os';
import { flushStderr } from './stderr-batch.js';

/**
 * SIGINT and SIGTERM for the command that runs. Until a command claims them they end the process at once, as
 * without a handler (exit 130 / 143); a command that claims them (migrate, rollback, verify, serve) gets an
 * AbortSignal instead and decides how to stop: cancel the running statement, drop scratch databases, let a
 * running migration finish. A second signal then ends the process at once, unless the command holds on to it
 * (serve never abandons a running migration). Only the CLI's entry point installs process handlers: library code
 * never does.
 */
export interface Interrupts {
  /** From now on a signal aborts the returned signal (its reason is the signal's name) instead of exiting. */
  claim(options?: { onRepeat?: 'exit' | 'ignore' }): AbortSignal;
  /** The signal that arrived, if one did. */
  readonly received: NodeJS.Signals | undefined;
}

/** The conventional exit status after a signal: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? 15);
}

/** No process handlers: for runCli embedded in another program (and tests), where signals are not ours. */
export const NO_INTERRUPTS: Interrupts = { claim: () => new AbortController().signal, received: undefined };

/** Installs the process's SIGINT/SIGTERM handlers. Call once, in the CLI's entry point. */
export function listenForInterrupts(): Interrupts {
  const controller = new AbortController();
  let claimed: { onRepeat: 'exit' | 'ignore' } | undefined;
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const repeat = received !== undefined;
    received ??= signal;
    if (!claimed || (repeat && claimed.onRepeat === 'exit')) process.exit(signalExitCode(signal));
    if (!repeat) controller.abort(signal);
    else {
      flushStderr();
      process.stderr.write(`${signal} again: still stopping (waiting for the running migration to finish)\n`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    claim(options = {}) {
      claimed = { onRepeat: options.onRepeat ?? 'exit' };
      return controller.signal;
    },
    get received() {
      return received;
    },
  };
}
