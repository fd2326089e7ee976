import { readDirectives } from '../core/directives.js';
import { OgelError } from '../errors.js';
import { parseStatements, type ParsedStatement } from './parser.js';
import { isTransactionControl, nonTransactionalReason } from './transaction-rules.js';
import { mayChangeSession } from './session-effects.js';
import { proceduralControlReason, proceduresWithControl, type ProcedureIndex } from './procedural-control.js';

/** A migration script ready to execute: its statements and how to run them. */
export interface PreparedScript {
  file: string;
  sql: string;
  statements: ParsedStatement[];
  transactional: boolean;
  /** Why it runs outside a transaction: the directive, or the statement that cannot run inside one. */
  modeReason: string;
  /** The script may leave session state (settings, role, temp tables, …): reset the session after it. */
  changesSession: boolean;
}

/**
 * Parses a script and decides its transaction mode. A file that manages its own transactions is refused in
 * transactional mode: its COMMIT would end the runner's transaction, so "applied and recorded, or neither"
 * would no longer hold. Under `-- ogel:no-transaction` it runs as written.
 */
export function prepareScript(
  file: string,
  sql: string,
  serverVersionNum?: number,
  /** Procedures of the other migrations that commit or roll back (asked only when the file CALLs something). */
  procedures?: () => ProcedureIndex,
): PreparedScript {
  const statements = parseStatements(sql, file);
  const changesSession = mayChangeSession(statements);
  const { noTransaction } = readDirectives(sql);
  if (noTransaction) {
    return {
      file,
      sql,
      statements,
      transactional: false,
      modeReason: '-- ogel:no-transaction directive',
      changesSession,
    };
  }
  const control = statements.filter(isTransactionControl);
  if (control.length > 0) {
    const where = control.map((s) => `${file}:${s.line}:${s.column} ${s.text.split('\n')[0]}`).join('; ');
    throw new OgelError(
      'TRANSACTION_CONTROL_IN_TRANSACTIONAL_MIGRATION',
      `${file} contains its own transaction control (${where}). ogel-migrate already runs each migration in one ` +
        'transaction together with its tracking row; a COMMIT in the file would end that transaction early, so a ' +
        'later failure could leave the migration half-applied and unrecorded. Remove BEGIN/COMMIT from the file, ' +
        'or add `-- ogel:no-transaction` as its first line to run it exactly as written.',
      { file, statements: control.map((s) => ({ line: s.line, column: s.column, text: s.text })) },
    );
  }
  const calls = statements.some((s) => s.kind === 'CallStmt' || (s.kind === 'DoStmt' && /\bcall\b/i.test(s.text)));
  const known = proceduresWithControl(statements, calls && procedures ? procedures() : undefined);
  for (const statement of statements) {
    const reason = nonTransactionalReason(statement, serverVersionNum) ?? proceduralControlReason(statement, known);
    // The linter warns when such a file mixes in other statements, which then are not atomic.
    if (reason) {
      return { file, sql, statements, transactional: false, modeReason: reason, changesSession };
    }
  }
  return { file, sql, statements, transactional: true, modeReason: 'transactional', changesSession };
}
