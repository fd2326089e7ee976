import type { ParsedStatement } from './parser.js';

/**
 * Transaction-control statements a migration file may not contain when the runner wraps it in its own
 * transaction: the file's COMMIT would end the runner's transaction and break "applied and recorded, or
 * neither". Savepoints are fine: they nest inside the runner's transaction.
 */
const TRANSACTION_CONTROL_KINDS = new Set([
  'TRANS_STMT_BEGIN',
  'TRANS_STMT_START',
  'TRANS_STMT_COMMIT',
  'TRANS_STMT_ROLLBACK',
  'TRANS_STMT_PREPARE',
  'TRANS_STMT_COMMIT_PREPARED',
  'TRANS_STMT_ROLLBACK_PREPARED',
]);

export function isTransactionControl(statement: ParsedStatement): boolean {
  if (statement.kind !== 'TransactionStmt') return false;
  return TRANSACTION_CONTROL_KINDS.has(String(statement.node.kind));
}

/**
 * Why Postgres would refuse this statement inside a transaction block, or undefined when it can run in one.
 * `serverVersionNum` matters for ALTER TYPE … ADD VALUE, which only became transactional in PostgreSQL 12.
 */
export function nonTransactionalReason(statement: ParsedStatement, serverVersionNum = 120000): string | undefined {
  const node = statement.node;
  switch (statement.kind) {
    case 'IndexStmt':
      return node.concurrent ? 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' : undefined;
    case 'DropStmt':
      return node.concurrent ? 'DROP INDEX CONCURRENTLY cannot run inside a transaction block' : undefined;
    case 'ReindexStmt': {
      const params = (node.params as Array<{ DefElem?: { defname?: string } }> | undefined) ?? [];
      if (params.some((p) => p.DefElem?.defname === 'concurrently')) {
        return 'REINDEX CONCURRENTLY cannot run inside a transaction block';
      }
      const kind = String(node.kind);
      return kind === 'REINDEX_OBJECT_SYSTEM' || kind === 'REINDEX_OBJECT_DATABASE'
        ? 'REINDEX SYSTEM/DATABASE cannot run inside a transaction block'
        : undefined;
    }
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM cannot run inside a transaction block' : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE cannot run inside a transaction block';
    case 'DropdbStmt':
      return 'DROP DATABASE cannot run inside a transaction block';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE cannot run inside a transaction block';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE cannot run inside a transaction block';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM cannot run inside a transaction block';
    case 'CreateSubscriptionStmt':
      return 'CREATE SUBSCRIPTION (creating a slot) cannot run inside a transaction block';
    case 'DropSubscriptionStmt':
      return 'DROP SUBSCRIPTION (dropping a slot) cannot run inside a transaction block';
    case 'AlterEnumStmt':
      return node.newVal && serverVersionNum < 120000
        ? 'ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12'
        : undefined;
    case 'ClusterStmt':
      return node.relation ? undefined : 'CLUSTER without a table cannot run inside a transaction block';
    default:
      return undefined;
  }
}
