import type { ParsedStatement } from '../../sql/parser.js';
import {
  addedColumn,
  addedConstraint,
  alterCommands,
  columnConstraints,
  rangeVarKey,
  strings,
  type Node,
} from '../ast.js';
import type { LintRule, RuleReport } from '../types.js';
import { alterTableCommands } from './walk.js';

/**
 * Validating a FOREIGN KEY or CHECK scans the whole table while ADD CONSTRAINT's lock is held (ACCESS
 * EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key). NOT VALID skips the scan;
 * VALIDATE CONSTRAINT, in a later transaction, scans under SHARE UPDATE EXCLUSIVE, which lets writes through.
 */
export const constraintMissingNotValid: LintRule = {
  id: 'constraint-missing-not-valid',
  severity: 'error',
  description:
    'ADD FOREIGN KEY / ADD CHECK on an existing table without NOT VALID, or validated in the same transaction.',
  check(target) {
    const reports: RuleReport[] = [];
    const addedNotValid = new Set<string>();
    for (const { index, statement, cmd, table, existing } of alterTableCommands(target)) {
      const key = `${rangeVarKey(statement.node.relation)}|${String(cmd.name ?? '')}`;
      if (cmd.subtype === 'AT_AddConstraint') {
        const constraint = addedConstraint(cmd);
        const kind =
          constraint.contype === 'CONSTR_FOREIGN'
            ? 'FOREIGN KEY'
            : constraint.contype === 'CONSTR_CHECK'
              ? 'CHECK'
              : undefined;
        if (!kind) continue;
        if (constraint.skip_validation) {
          if (constraint.conname)
            addedNotValid.add(`${rangeVarKey(statement.node.relation)}|${String(constraint.conname)}`);
        } else if (existing) {
          reports.push({
            statement: index,
            node: constraint,
            message: `ADD ${kind} on ${table} without NOT VALID scans every row while holding a lock that blocks writes${kind === 'CHECK' ? ' and reads' : ''}`,
            hint: 'Add it with NOT VALID, then run ALTER TABLE … VALIDATE CONSTRAINT in a later migration: validation takes a lock that lets reads and writes through.',
          });
        }
      } else if (
        cmd.subtype === 'AT_ValidateConstraint' &&
        existing &&
        target.transactional &&
        addedNotValid.has(key)
      ) {
        // A table created in the pending set is empty and unseen: the held lock blocks nobody.
        reports.push({
          statement: index,
          message: `VALIDATE CONSTRAINT ${String(cmd.name)} runs in the same transaction that added it NOT VALID, so the ADD's lock is held for the whole scan`,
          hint: 'Move VALIDATE CONSTRAINT into a later migration so the ADD commits (and releases its lock) first.',
        });
      }
    }
    return reports;
  },
};

const INDEX_BACKED: Record<string, string> = {
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_PRIMARY: 'PRIMARY KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
};

/** UNIQUE, PRIMARY KEY and EXCLUDE build their index under ACCESS EXCLUSIVE: no reads or writes meanwhile. */
export const disallowedUniqueConstraint: LintRule = {
  id: 'disallowed-unique-constraint',
  severity: 'error',
  description:
    'ADD UNIQUE / PRIMARY KEY / EXCLUDE on an existing table builds its index under an ACCESS EXCLUSIVE lock.',
  check(target) {
    const reports: RuleReport[] = [];
    const hint =
      'CREATE UNIQUE INDEX CONCURRENTLY in a `-- ogel:no-transaction` migration, then ALTER TABLE … ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) USING INDEX.';
    for (const { index, cmd, table, existing } of alterTableCommands(target)) {
      if (!existing) continue;
      const candidates =
        cmd.subtype === 'AT_AddConstraint'
          ? [addedConstraint(cmd)]
          : cmd.subtype === 'AT_AddColumn'
            ? columnConstraints(addedColumn(cmd))
            : [];
      for (const constraint of candidates) {
        const kind = INDEX_BACKED[String(constraint.contype)];
        if (!kind || constraint.indexname) continue;
        reports.push({
          statement: index,
          node: constraint,
          message: `Adding a ${kind} constraint to ${table} builds its index while holding an ACCESS EXCLUSIVE lock that blocks reads and writes`,
          hint:
            kind === 'EXCLUDE'
              ? 'There is no concurrent way to add an EXCLUDE constraint; schedule it for a maintenance window.'
              : hint,
        });
      }
    }
    return reports;
  },
};

/**
 * SET NOT NULL scans the table under ACCESS EXCLUSIVE, unless a validated CHECK (column IS NOT NULL) already
 * proves it (PostgreSQL 12+). Tracks such checks through the file, starting from earlier pending migrations.
 */
export const setNotNullWithoutCheck: LintRule = {
  id: 'set-not-null-without-check',
  severity: 'error',
  description:
    'SET NOT NULL on an existing table without a validated CHECK (column IS NOT NULL) scans it under ACCESS EXCLUSIVE.',
  check(target) {
    const reports: RuleReport[] = [];
    trackNotNullChecks(
      target.input.statements,
      target.context.notNullChecked ?? new Set(),
      (index, statement, column, node) => {
        if (!target.isExistingTable(statement.node.relation, index)) return;
        reports.push({
          statement: index,
          node,
          message: `SET NOT NULL on ${column} scans the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes`,
          hint: 'First ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a later migration; SET NOT NULL after that skips the scan (PostgreSQL 12+). Validated in an applied migration already? Suppress with `-- ogel:lint-ignore set-not-null-without-check <reason>`.',
        });
      },
    );
    return reports;
  },
};

/** `table.column` pairs proven NOT NULL by a validated check once these statements have run. */
export function notNullCheckedAfter(
  statements: readonly ParsedStatement[],
  initial: ReadonlySet<string> = new Set(),
): Set<string> {
  return trackNotNullChecks(statements, initial, () => {});
}

type Unproven = (index: number, statement: ParsedStatement, column: string, node: unknown) => void;

function trackNotNullChecks(
  statements: readonly ParsedStatement[],
  initial: ReadonlySet<string>,
  onUnproven: Unproven,
): Set<string> {
  const checked = new Set(initial);
  const notValid = new Map<string, string>();
  statements.forEach((statement, index) => {
    if (statement.kind !== 'AlterTableStmt') return;
    const table = rangeVarKey(statement.node.relation);
    for (const cmd of alterCommands(statement.node)) {
      if (cmd.subtype === 'AT_AddConstraint') {
        const constraint = addedConstraint(cmd);
        const column = provenNotNullColumn(constraint);
        if (!column) continue;
        const key = `${table}.${column}`;
        if (constraint.skip_validation) notValid.set(`${table}|${String(constraint.conname)}`, key);
        else {
          if (constraint.contype === 'CONSTR_NOTNULL' && !checked.has(key))
            onUnproven(index, statement, key, constraint);
          checked.add(key);
        }
      } else if (cmd.subtype === 'AT_ValidateConstraint') {
        const key = notValid.get(`${table}|${String(cmd.name)}`);
        if (key) checked.add(key);
      } else if (cmd.subtype === 'AT_SetNotNull') {
        const key = `${table}.${String(cmd.name).toLowerCase()}`;
        if (!checked.has(key)) onUnproven(index, statement, key, cmd);
        checked.add(key);
      }
    }
  });
  return checked;
}

/** The column of `CHECK (col IS NOT NULL)` or of PostgreSQL 18's `CONSTRAINT n NOT NULL col`. */
function provenNotNullColumn(constraint: Node): string | undefined {
  if (constraint.contype === 'CONSTR_NOTNULL') return strings(constraint.keys)[0]?.toLowerCase();
  if (constraint.contype !== 'CONSTR_CHECK') return undefined;
  const test = (constraint.raw_expr as Node | undefined)?.NullTest as Node | undefined;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = strings(((test.arg as Node | undefined)?.ColumnRef as Node | undefined)?.fields);
  return fields.length === 1 ? fields[0]!.toLowerCase() : undefined;
}
