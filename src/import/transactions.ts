import { OgelError } from '../errors.js';
import { parseStatements } from '../sql/parser.js';
import { isTransactionControl } from '../sql/transaction-rules.js';
import { problem } from './names.js';
import type { ImportLayout } from './types.js';

/**
 * Peers run a file with its own BEGIN/COMMIT as written (Sqitch's templates have them; golang-migrate and
 * dbmate users add them). Ours would refuse such a file inside its transaction, so it runs outside one, as
 * written: what the peer did. A file the parser cannot read is reported: migrate would refuse it. Needs the
 * parser loaded (ensureParser).
 */
export function markOwnTransactions(layout: ImportLayout): void {
  const check = (file: string, bytes: Buffer, current: string | undefined): string | undefined => {
    try {
      if (current) return current;
      return parseStatements(bytes.toString('utf8'), file).some(isTransactionControl)
        ? 'has its own BEGIN/COMMIT, run as written'
        : undefined;
    } catch (error) {
      if (!(error instanceof OgelError)) throw error;
      layout.problems.push(
        problem(
          file,
          'error',
          'syntax-error',
          `does not parse: ${error.message}`,
          'fix the file in the peer project and import again',
        ),
      );
      return current;
    }
  };
  for (const m of layout.migrations) {
    const up = check(m.sources[0]!, m.up, m.noTransaction);
    if (up) m.noTransaction = up;
    if (m.down) {
      const down = check(m.sources[1] ?? m.sources[0]!, m.down, m.downNoTransaction);
      if (down) m.downNoTransaction = down;
    }
  }
  for (const r of layout.repeatables) {
    const reason = check(r.sources[0]!, r.up, r.noTransaction);
    if (reason) r.noTransaction = reason;
  }
}
