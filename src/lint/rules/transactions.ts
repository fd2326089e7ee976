import type { ParsedStatement } from '../../sql/parser.js';
import { statementEffects } from '../../sql/objects.js';
import { isTransactionControl, nonTransactionalReason } from '../../sql/transaction-rules.js';
import type { LintRule, LintTarget, RuleReport } from '../types.js';

const OPENS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);

/** For each statement, whether it runs inside an explicit BEGIN … COMMIT the file itself wrote. */
function insideExplicitBlock(statements: readonly ParsedStatement[]): boolean[] {
  let open = false;
  return statements.map((statement) => {
    if (!isTransactionControl(statement)) return open;
    const wasOpen = open;
    open = OPENS.has(String(statement.node.kind));
    return wasOpen;
  });
}

const reasonOf = (target: LintTarget, statement: ParsedStatement) =>
  nonTransactionalReason(statement, target.context.serverVersionNum);

/** Session settings and transaction control carry no schema change of their own. */
const isBookkeeping = (statement: ParsedStatement) =>
  statement.kind === 'VariableSetStmt' || statement.kind === 'VariableShowStmt' || statement.kind === 'TransactionStmt';

export const transactionNesting: LintRule = {
  id: 'transaction-nesting',
  severity: 'error',
  description: 'BEGIN/COMMIT in a file the runner already wraps in a transaction, or a nested BEGIN.',
  check(target) {
    const { statements, noTransaction } = target.input;
    const inside = insideExplicitBlock(statements);
    const reports: RuleReport[] = [];
    statements.forEach((statement, index) => {
      if (!isTransactionControl(statement)) return;
      if (!noTransaction) {
        reports.push({
          statement: index,
          message: `${statement.text.split(/\s/)[0]!.toUpperCase()} in a migration the runner runs inside its own transaction: it would end that transaction early and break "applied and recorded, or neither"`,
          hint: 'Remove BEGIN/COMMIT from the file, or start it with `-- ogel:no-transaction` to run it exactly as written.',
        });
      } else if (inside[index] && OPENS.has(String(statement.node.kind))) {
        reports.push({
          statement: index,
          message:
            'BEGIN inside a transaction the file already opened: PostgreSQL ignores it, so the first COMMIT ends both',
          hint: 'Close the first transaction before opening another; use SAVEPOINT for nesting.',
        });
      }
    });
    return reports;
  },
};

export const banConcurrentIndexCreationInTransaction: LintRule = {
  id: 'ban-concurrent-index-creation-in-transaction',
  severity: 'error',
  description:
    'CREATE INDEX CONCURRENTLY (or another statement that refuses transactions) inside an explicit BEGIN … COMMIT.',
  check(target) {
    const inside = insideExplicitBlock(target.input.statements);
    return target.input.statements.flatMap((statement, index) => {
      const reason = reasonOf(target, statement);
      return reason && inside[index]
        ? [
            {
              statement: index,
              message: `${reason}, but this file runs it between its own BEGIN and COMMIT`,
              hint: 'Move the statement out of the BEGIN … COMMIT block.',
            },
          ]
        : [];
    });
  },
};

/**
 * A statement that cannot run in a transaction takes the whole file out of one, so every other statement in
 * it autocommits on its own: a failure halfway leaves the migration partly applied and recorded as failed.
 */
export const mixedTransactionMode: LintRule = {
  id: 'mixed-transaction-mode',
  severity: 'error',
  description: 'A CONCURRENTLY-style statement mixed with other statements, which then run without a transaction.',
  check(target) {
    const { statements } = target.input;
    const inside = insideExplicitBlock(statements);
    const first = statements.findIndex((s) => reasonOf(target, s) !== undefined);
    if (first === -1) return [];
    const others = statements.filter((s, i) => !inside[i] && !isBookkeeping(s) && reasonOf(target, s) === undefined);
    if (others.length === 0) return [];
    return [
      {
        statement: first,
        message: `${reasonOf(target, statements[first]!)}, so the file's ${others.length} other statement(s) run without a transaction: if one fails, the ones before it stay applied`,
        hint: 'Put each CONCURRENTLY statement in a migration of its own that starts with `-- ogel:no-transaction`, and keep the other statements in a transactional migration.',
      },
    ];
  },
};

/**
 * Outside a transaction a failure leaves earlier statements applied, so the retry after a fix must survive
 * them. Inside one (the default) the whole file rolls back and plain CREATE is correct, so no warning there.
 */
export const preferRobustStmts: LintRule = {
  id: 'prefer-robust-stmts',
  severity: 'warning',
  description:
    'In a migration that runs outside a transaction, statements that fail when re-run (CREATE without IF NOT EXISTS, …).',
  check(target) {
    if (target.transactional) return [];
    const inside = insideExplicitBlock(target.input.statements);
    return target.input.statements.flatMap((statement, index) => {
      const reason = inside[index] ? undefined : statementEffects(statement).notIdempotent;
      if (!reason) return [];
      const concurrentIndex = statement.kind === 'IndexStmt' && statement.node.concurrent;
      return [
        {
          statement: index,
          message: `${reason}: this file runs outside a transaction, so re-running it after a partial failure fails here`,
          hint: concurrentIndex
            ? 'Use DROP INDEX CONCURRENTLY IF EXISTS, then CREATE INDEX CONCURRENTLY IF NOT EXISTS: a failed concurrent build leaves an INVALID index behind.'
            : 'Add IF NOT EXISTS / OR REPLACE (or a DROP … IF EXISTS guard) so the statement can run twice.',
        },
      ];
    });
  },
};
