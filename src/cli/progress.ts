import type { MigrationRunner } from '../runner/runner.js';
import { describeHolder } from '../db/advisory-lock.js';
import { paint, type Output } from './output.js';

/** Live progress on stderr while a batch runs (stdout stays for the result, so `--json` pipes cleanly). */
export function attachProgress(runner: MigrationRunner, output: Output): () => void {
  const offs = [
    runner.events.on('lock:waiting', (e) =>
      output.err(paint(output, 'yellow', `waiting for the migration lock held by ${describeHolder(e.holder)}`)),
    ),
    runner.events.on('migration:start', (e) =>
      output.err(
        `${paint(output, 'gray', `[${e.index + 1}/${e.total}]`)} ${e.direction === 'up' ? 'applying' : 'reverting'} ${e.version}_${e.name}${e.transactional ? '' : paint(output, 'yellow', ' (no transaction)')} …`,
      ),
    ),
    runner.events.on('migration:retry', (e) =>
      output.err(paint(output, 'yellow', `  lock not available, retry ${e.attempt} in ${e.delayMs} ms: ${e.reason}`)),
    ),
    runner.events.on('migration:done', (e) => output.err(`  ${paint(output, 'green', 'done')} in ${e.durationMs} ms`)),
    runner.events.on('migration:failed', () => output.err(`  ${paint(output, 'red', 'failed')}`)),
  ];
  return () => offs.forEach((off) => off());
}
