import type { ParsedStatement } from './parser.js';

/**
 * Statements that cannot change session state (settings, role, temp objects, prepared statements, cursors,
 * LISTEN): plain DDL, whose expressions are stored rather than run. Everything else — SET, DO, CALL, SELECT,
 * temp tables, … — may, so the runner resets the session after a script that has any of them. This keeps the
 * common migration to one round trip while nothing can leak into the next migration.
 */
const INERT_KINDS = new Set([
  'CreateSchemaStmt',
  'AlterTableStmt',
  'IndexStmt',
  'DropStmt',
  'CreateFunctionStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'CreateTrigStmt',
  'GrantStmt',
  'GrantRoleStmt',
  'CommentStmt',
  'ViewStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'RenameStmt',
  'AlterOwnerStmt',
  'AlterObjectSchemaStmt',
  'TruncateStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'DropRoleStmt',
  'AlterDefaultPrivilegesStmt',
  'CreateExtensionStmt',
  'TransactionStmt',
  'RuleStmt',
  'ClusterStmt',
  'ReindexStmt',
]);

/** Whether running these statements may leave session state behind for the next script. */
export function mayChangeSession(statements: readonly ParsedStatement[]): boolean {
  return statements.some((statement) => {
    if (statement.kind === 'CreateStmt')
      return (statement.node.relation as { relpersistence?: string })?.relpersistence === 't';
    if (['InsertStmt', 'UpdateStmt', 'DeleteStmt'].includes(statement.kind)) return callsFunctions(statement.node);
    return !INERT_KINDS.has(statement.kind);
  });
}

/** DML with only constants and column references runs no user code; a function call might do anything. */
export function callsFunctions(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(callsFunctions);
  if (node && typeof node === 'object') {
    if ('FuncCall' in node || 'SubLink' in node) return true;
    return Object.values(node).some(callsFunctions);
  }
  return false;
}
