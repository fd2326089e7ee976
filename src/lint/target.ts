import type { ParsedStatement } from '../sql/parser.js';
import { nonTransactionalReason } from '../sql/transaction-rules.js';
import { rangeVarKey, tableKey, type Node } from './ast.js';
import type { LintContext, LintInput, LintTarget } from './types.js';

/**
 * Tables a file creates, each with the index of the statement that creates it. A rename of such a table
 * carries the "new" mark to its new name: it is still empty and unseen.
 */
export function tablesCreatedIn(
  statements: readonly ParsedStatement[],
  known: ReadonlySet<string> = new Set(),
): Map<string, number> {
  const created = new Map<string, number>();
  const isNew = (key: string) => known.has(key) || created.has(key);
  statements.forEach((statement, index) => {
    const node = statement.node;
    let key: string | undefined;
    if (statement.kind === 'CreateStmt') key = rangeVarKey(node.relation);
    else if (statement.kind === 'CreateTableAsStmt') key = rangeVarKey((node.into as Node | undefined)?.rel);
    else if (statement.kind === 'SelectStmt' && node.intoClause) key = rangeVarKey((node.intoClause as Node).rel);
    else if (
      statement.kind === 'RenameStmt' &&
      node.renameType === 'OBJECT_TABLE' &&
      isNew(rangeVarKey(node.relation))
    ) {
      const schema = rangeVarKey(node.relation).split('.')[0]!;
      key = `${schema}.${String(node.newname).toLowerCase()}`;
    }
    if (key !== undefined && !created.has(key)) created.set(key, index);
  });
  return created;
}

/** Accepts context names written either way (`projects` or `public.projects`), any case. */
export function normalizeTables(names: Iterable<string>): Set<string> {
  return new Set([...names].map(tableKey));
}

/** Facts about one file that every rule shares, computed once. */
export function buildTarget(input: LintInput, context: LintContext): LintTarget {
  const known = normalizeTables(context.createdTables);
  const createdHere = tablesCreatedIn(input.statements, known);
  const transactional =
    !input.noTransaction &&
    !input.statements.some((s) => nonTransactionalReason(s, context.serverVersionNum) !== undefined);
  return {
    input,
    context,
    transactional,
    isExistingTable(relation, beforeStatement) {
      const key = rangeVarKey(relation);
      if (known.has(key)) return false;
      const createdAt = createdHere.get(key);
      return createdAt === undefined || createdAt >= beforeStatement;
    },
  };
}
