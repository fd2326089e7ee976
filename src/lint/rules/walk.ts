import type { ParsedStatement } from '../../sql/parser.js';
import {
  addedColumn,
  alterCommands,
  columnConstraints,
  strings,
  tableElements,
  writtenName,
  type Node,
} from '../ast.js';
import type { LintTarget } from '../types.js';

/** One ALTER TABLE subcommand with what rules ask about it. */
export interface AlterCommand {
  index: number;
  statement: ParsedStatement;
  cmd: Node;
  /** The table as written, for messages. */
  table: string;
  /** False when the table was created earlier in the pending set (see {@link LintTarget.isExistingTable}). */
  existing: boolean;
}

/** Every ALTER TABLE subcommand in the file, in order. */
export function* alterTableCommands(target: LintTarget): Generator<AlterCommand> {
  for (const [index, statement] of target.input.statements.entries()) {
    if (statement.kind !== 'AlterTableStmt' || statement.node.objtype !== 'OBJECT_TABLE') continue;
    const relation = statement.node.relation;
    const table = writtenName(relation);
    const existing = target.isExistingTable(relation, index);
    for (const cmd of alterCommands(statement.node)) yield { index, statement, cmd, table, existing };
  }
}

/** A column definition wherever one appears: CREATE TABLE, ADD COLUMN, or the new type of ALTER COLUMN TYPE. */
export interface DefinedColumn {
  index: number;
  table: string;
  column: Node;
  /** Its name (ALTER COLUMN TYPE carries the name on the command, not the definition). */
  name: string;
  /** Part of the primary key, inline or as a table constraint. */
  primaryKey: boolean;
}

export function* definedColumns(target: LintTarget): Generator<DefinedColumn> {
  for (const [index, statement] of target.input.statements.entries()) {
    if (statement.kind !== 'CreateStmt') continue;
    const table = writtenName(statement.node.relation);
    const { columns, constraints } = tableElements(statement.node);
    const keyColumns = new Set(
      constraints.filter((c) => c.contype === 'CONSTR_PRIMARY').flatMap((c) => strings(c.keys)),
    );
    for (const column of columns) {
      const name = String(column.colname);
      yield { index, table, column, name, primaryKey: keyColumns.has(name) || isInlinePrimaryKey(column) };
    }
  }
  for (const { index, cmd, table } of alterTableCommands(target)) {
    if (cmd.subtype === 'AT_AddColumn') {
      const column = addedColumn(cmd);
      yield { index, table, column, name: String(column.colname), primaryKey: isInlinePrimaryKey(column) };
    } else if (cmd.subtype === 'AT_AlterColumnType') {
      yield { index, table, column: addedColumn(cmd), name: String(cmd.name), primaryKey: false };
    }
  }
}

const isInlinePrimaryKey = (column: Node): boolean =>
  columnConstraints(column).some((c) => c.contype === 'CONSTR_PRIMARY');
