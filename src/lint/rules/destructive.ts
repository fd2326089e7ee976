import type { ParsedStatement } from '../../sql/parser.js';
import { alterCommands, strings, writtenName, type Node } from '../ast.js';
import type { LintRule, LintTarget, RuleReport } from '../types.js';

const DESTRUCTIVE_DROPS: Record<string, string> = {
  OBJECT_TABLE: 'DROP TABLE',
  OBJECT_SCHEMA: 'DROP SCHEMA',
  OBJECT_MATVIEW: 'DROP MATERIALIZED VIEW',
};

/**
 * Why a statement destroys data, or undefined. Decides automatic backups (`backupPolicy: 'destructive'`), so
 * it errs on the side of "yes": it sees only the statement, not which tables are new.
 */
export function destructiveReason(statement: ParsedStatement): string | undefined {
  const node = statement.node;
  switch (statement.kind) {
    case 'DropStmt':
      if (node.behavior === 'DROP_CASCADE') return 'DROP … CASCADE (may drop dependent tables and columns)';
      return DESTRUCTIVE_DROPS[String(node.removeType)];
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'TruncateStmt':
      return 'TRUNCATE';
    case 'DeleteStmt':
      return node.whereClause ? undefined : 'DELETE without WHERE';
    case 'UpdateStmt':
      return node.whereClause ? undefined : 'UPDATE without WHERE';
    case 'AlterTableStmt':
      return alterCommands(node).some((cmd) => cmd.subtype === 'AT_DropColumn') ? 'DROP COLUMN' : undefined;
    default:
      return undefined;
  }
}

/** Whether running these statements can lose data, so a backup should be taken first. */
export function isDestructive(statements: readonly ParsedStatement[]): boolean {
  return statements.some((statement) => destructiveReason(statement) !== undefined);
}

/** DROP of one object type; dropping only tables created earlier in the pending set loses nothing. */
function dropRule(id: string, removeType: string, what: string, hint: string): LintRule {
  return {
    id,
    severity: 'error',
    description: `${what} destroys data and breaks code that still uses it.`,
    check(target) {
      const reports: RuleReport[] = [];
      target.input.statements.forEach((statement, index) => {
        if (statement.kind !== 'DropStmt' || statement.node.removeType !== removeType) return;
        const names = droppedNames(statement.node);
        if (removeType === 'OBJECT_TABLE' && names.every((name) => !existing(target, name, index))) return;
        reports.push({ statement: index, message: `${what} ${names.join(', ')} permanently deletes its data`, hint });
      });
      return reports;
    },
  };
}

function droppedNames(node: Node): string[] {
  const objects = (node.objects as Node[] | undefined) ?? [];
  return objects.map((object) =>
    (object.String ? strings([object]) : strings((object.List as Node | undefined)?.items)).join('.'),
  );
}

function existing(target: LintTarget, name: string, index: number): boolean {
  const parts = name.split('.');
  const relation = parts.length > 1 ? { schemaname: parts[0], relname: parts.slice(1).join('.') } : { relname: name };
  return target.isExistingTable(relation, index);
}

const RETIRE_FIRST =
  'Stop using it in a deployed release first, make sure a backup exists, then suppress with `-- ogel:lint-ignore RULE <reason>`.';

export const banDropTable = dropRule(
  'ban-drop-table',
  'OBJECT_TABLE',
  'DROP TABLE',
  RETIRE_FIRST.replace('RULE', 'ban-drop-table'),
);
export const banDropSchema = dropRule(
  'ban-drop-schema',
  'OBJECT_SCHEMA',
  'DROP SCHEMA',
  RETIRE_FIRST.replace('RULE', 'ban-drop-schema'),
);

export const banDropColumn: LintRule = {
  id: 'ban-drop-column',
  severity: 'error',
  description: 'DROP COLUMN destroys data and breaks code that still reads or writes the column.',
  check(target) {
    const reports: RuleReport[] = [];
    target.input.statements.forEach((statement, index) => {
      if (statement.kind !== 'AlterTableStmt' || !target.isExistingTable(statement.node.relation, index)) return;
      for (const cmd of alterCommands(statement.node).filter((c) => c.subtype === 'AT_DropColumn')) {
        reports.push({
          statement: index,
          message: `DROP COLUMN ${writtenName(statement.node.relation)}.${String(cmd.name)} permanently deletes its data, and running code that names it fails`,
          hint: RETIRE_FIRST.replace('RULE', 'ban-drop-column'),
        });
      }
    });
    return reports;
  },
};

export const banDropDatabase: LintRule = {
  id: 'ban-drop-database',
  severity: 'error',
  description: 'DROP DATABASE has no place in a migration.',
  check(target) {
    return target.input.statements.flatMap((statement, index) =>
      statement.kind === 'DropdbStmt'
        ? [
            {
              statement: index,
              message: `DROP DATABASE ${String(statement.node.dbname)} in a migration`,
              hint: 'Drop databases by hand, never from a migration.',
            },
          ]
        : [],
    );
  },
};

export const banTruncate: LintRule = {
  id: 'ban-truncate',
  severity: 'error',
  description: 'TRUNCATE deletes every row and takes an ACCESS EXCLUSIVE lock.',
  check(target) {
    const reports: RuleReport[] = [];
    target.input.statements.forEach((statement, index) => {
      if (statement.kind !== 'TruncateStmt') return;
      const relations = ((statement.node.relations as Node[] | undefined) ?? []).map((r) => r.RangeVar);
      if (relations.every((relation) => !target.isExistingTable(relation, index))) return;
      reports.push({
        statement: index,
        message: `TRUNCATE ${relations.map(writtenName).join(', ')} deletes every row under an ACCESS EXCLUSIVE lock`,
        hint: 'Delete in batches with a WHERE clause if the data must go, or suppress with `-- ogel:lint-ignore ban-truncate <reason>`.',
      });
    });
    return reports;
  },
};

function withoutWhere(id: string, kind: 'DeleteStmt' | 'UpdateStmt', verb: string, effect: string): LintRule {
  return {
    id,
    severity: 'warning',
    description: `${verb} without WHERE ${effect}.`,
    check(target) {
      return target.input.statements.flatMap((statement, index) =>
        statement.kind === kind && !statement.node.whereClause && target.isExistingTable(statement.node.relation, index)
          ? [
              {
                statement: index,
                message: `${verb} ${writtenName(statement.node.relation)} without WHERE ${effect}`,
                hint: 'Add a WHERE clause (batch large backfills by key range); if every row is really meant, suppress with a reason.',
              },
            ]
          : [],
      );
    },
  };
}

export const deleteWithoutWhere = withoutWhere(
  'delete-without-where',
  'DeleteStmt',
  'DELETE FROM',
  'deletes every row',
);
export const updateWithoutWhere = withoutWhere(
  'update-without-where',
  'UpdateStmt',
  'UPDATE',
  'rewrites every row in one long transaction',
);
