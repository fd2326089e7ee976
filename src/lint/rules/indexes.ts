import { rangeVarKey, strings, writtenName, type Node } from '../ast.js';
import type { LintRule, LintTarget, RuleReport } from '../types.js';

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

/**
 * Named indexes (`schema.name`) that the file's CREATE INDEX statements build on new tables (created earlier in
 * the file or the pending set), added to `initial`. An index lives in its table's schema.
 */
export function indexesOnNewTablesAfter(target: LintTarget, initial: ReadonlySet<string> = new Set()): Set<string> {
  const fresh = new Set(initial);
  target.input.statements.forEach((statement, index) => {
    const node = statement.node;
    if (statement.kind !== 'IndexStmt' || !node.idxname || target.isExistingTable(node.relation, index)) return;
    fresh.add(`${rangeVarKey(node.relation).split('.')[0]}.${String(node.idxname).toLowerCase()}`);
  });
  return fresh;
}

/** `schema.name` of each object a DROP names; unqualified names are read as `public.<name>`, as elsewhere. */
function droppedNames(node: Node): string[] {
  return ((node.objects as Node[] | undefined) ?? []).map((object) => {
    const parts = strings((object.List as Node | undefined)?.items).map((p) => p.toLowerCase());
    return parts.length === 1 ? `public.${parts[0]}` : parts.slice(-2).join('.');
  });
}

/** DROP INDEX takes ACCESS EXCLUSIVE on the table; it is quick, but it queues behind (and blocks) every reader. */
export const requireConcurrentIndexDeletion: LintRule = {
  id: 'require-concurrent-index-deletion',
  severity: 'warning',
  description: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on an existing table.',
  check(target) {
    const reports: RuleReport[] = [];
    target.input.statements.forEach((statement, index) => {
      const node = statement.node;
      if (statement.kind !== 'DropStmt' || node.removeType !== 'OBJECT_INDEX' || node.concurrent) return;
      // Indexes on tables the pending set creates: those tables are empty and unseen, so the lock blocks nobody.
      const fresh = indexesOnNewTablesAfter(
        { ...target, input: { ...target.input, statements: target.input.statements.slice(0, index) } },
        target.context.indexesOnNewTables,
      );
      if (droppedNames(node).every((name) => fresh.has(name))) return;
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
