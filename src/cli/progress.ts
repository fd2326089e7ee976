import type { MigrationRunner } from '../runner/runner.js';
import { migrationLabel } from '../core/file-names.js';
import { describeHolder } from '../db/advisory-lock.js';
import { paint, type Output } from './output.js';

/**
 * Live progress on stderr while a batch runs (stdout stays for the result, so `--json` pipes cleanly). On a
 * terminal a status line below the current step counts the seconds of a long migration or a lock wait.
 */
export function attachProgress(runner: MigrationRunner, output: Output): () => void {
  const ticker = elapsedTicker(output);
  const offs = [
    runner.events.on('lock:waiting', (e) => {
      ticker.stop();
      output.err(paint(output, 'yellow', `waiting for the migration lock held by ${describeHolder(e.holder)}`));
      ticker.start((elapsed) => `  waiting for the lock: ${elapsed}`);
    }),
    runner.events.on('lock:acquired', () => ticker.stop()),
    runner.events.on('migration:start', (e) => {
      output.err(
        `${paint(output, 'gray', `[${e.index + 1}/${e.total}]`)} ${e.direction === 'up' ? 'applying' : 'reverting'} ${migrationLabel(e)}${e.transactional ? '' : paint(output, 'yellow', ' (no transaction)')} …`,
      );
      ticker.start((elapsed) => `  running for ${elapsed}`);
    }),
    runner.events.on('migration:retry', (e) => {
      ticker.stop();
      output.err(paint(output, 'yellow', `  lock not available, retry ${e.attempt} in ${e.delayMs} ms: ${e.reason}`));
      ticker.start((elapsed) => `  retrying; running for ${elapsed}`);
    }),
    runner.events.on('migration:done', (e) => {
      ticker.stop();
      output.err(`  ${paint(output, 'green', 'done')} in ${e.durationMs} ms`);
    }),
    runner.events.on('migration:failed', () => {
      ticker.stop();
      output.err(`  ${paint(output, 'red', 'failed')}`);
    }),
    runner.events.on('run:end', () => ticker.stop()),
  ];
  return () => {
    ticker.stop();
    offs.forEach((off) => off());
  };
}

/** A once-a-second status line (only where the output can rewrite one); stopped, it leaves no trace. */
function elapsedTicker(output: Output) {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    start(line: (elapsed: string) => string) {
      this.stop();
      const update = output.update;
      if (!update) return;
      const started = Date.now();
      timer = setInterval(() => update(paint(output, 'gray', line(formatElapsed(Date.now() - started)))), 1_000);
      // Never what keeps the process alive.
      timer.unref?.();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      output.update?.('');
    },
  };
}

/** `7 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
