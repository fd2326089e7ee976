import { writtenName } from '../ast.js';
import type { LintRule, RuleReport } from '../types.js';

/** CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE waits. */
export const requireConcurrentIndex: LintRule = {
  id: 'require-concurrent-index',
  severity: 'error',
  description: 'CREATE INDEX without CONCURRENTLY on an existing table blocks writes for the whole build.',
  check(target) {
    const reports: RuleReport[] = [];
    target.input.statements.forEach((statement, index) => {
      if (statement.kind !== 'IndexStmt' || statement.node.concurrent) return;
      if (!target.isExistingTable(statement.node.relation, index)) return;
      reports.push({
        statement: index,
        message: `CREATE INDEX on ${writtenName(statement.node.relation)} without CONCURRENTLY takes a SHARE lock that blocks all writes until the index is built`,
        hint: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration of its own that starts with `-- ogel:no-transaction`.',
      });
    });
    return reports;
  },
};

/** DROP INDEX takes ACCESS EXCLUSIVE on the table; it is quick, but it queues behind (and blocks) every reader. */
export const requireConcurrentIndexDeletion: LintRule = {
  id: 'require-concurrent-index-deletion',
  severity: 'warning',
  description: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table.',
  check(target) {
    const reports: RuleReport[] = [];
    target.input.statements.forEach((statement, index) => {
      const node = statement.node;
      if (statement.kind !== 'DropStmt' || node.removeType !== 'OBJECT_INDEX' || node.concurrent) return;
      reports.push({
        statement: index,
        message:
          'DROP INDEX without CONCURRENTLY locks the indexed table against reads and writes, and waits behind every running query on it',
        hint: 'Use DROP INDEX CONCURRENTLY IF EXISTS in a migration of its own that starts with `-- ogel:no-transaction`.',
      });
    });
    return reports;
  },
};
