import { addedColumn, columnConstraints, columnType } from '../ast.js';
import { defaultVolatility, isNullDefault } from '../volatility.js';
import type { LintRule, RuleReport } from '../types.js';
import { alterTableCommands } from './walk.js';

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** The server fills a NOT NULL column without a default with NULL for every existing row, and so fails. */
export const addingRequiredField: LintRule = {
  id: 'adding-required-field',
  severity: 'error',
  description: 'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that has rows.',
  check(target) {
    const reports: RuleReport[] = [];
    for (const { index, cmd, table, existing } of alterTableCommands(target)) {
      if (cmd.subtype !== 'AT_AddColumn' || !existing) continue;
      const column = addedColumn(cmd);
      const constraints = columnConstraints(column);
      const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      const filled =
        SERIAL_TYPES.has(columnType(column)) ||
        constraints.some(
          (c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED',
        );
      if (notNull && !filled) {
        reports.push({
          statement: index,
          node: column,
          message: `ADD COLUMN ${String(column.colname)} NOT NULL without a default fails as soon as ${table} has a row`,
          hint: 'Add the column with a constant DEFAULT, or add it nullable, backfill it, then add CHECK (… IS NOT NULL) NOT VALID, VALIDATE it and SET NOT NULL.',
        });
      }
    }
    return reports;
  },
};

/**
 * A default computed per row (volatile function, identity, serial, stored generated column) makes the server
 * rewrite the whole table under ACCESS EXCLUSIVE. So does any default before PostgreSQL 11.
 */
export const addingFieldWithVolatileDefault: LintRule = {
  id: 'adding-field-with-volatile-default',
  severity: 'error',
  description:
    'ADD COLUMN whose value is computed per row (volatile DEFAULT, identity, serial, STORED generated) rewrites the table.',
  check(target) {
    const reports: RuleReport[] = [];
    const hint =
      'Add the column without a default (or with a constant or now()), backfill it in batches, then ALTER COLUMN … SET DEFAULT for new rows.';
    for (const { index, cmd, table, existing } of alterTableCommands(target)) {
      if (cmd.subtype !== 'AT_AddColumn' || !existing) continue;
      const column = addedColumn(cmd);
      const name = String(column.colname);
      const rewrite = `rewrites ${table} and its indexes under an ACCESS EXCLUSIVE lock`;
      const report = (message: string, severity?: 'warning') =>
        reports.push({ statement: index, node: column, message, hint, ...(severity ? { severity } : {}) });
      const constraints = columnConstraints(column);
      const type = columnType(column);
      if (SERIAL_TYPES.has(type))
        report(`ADD COLUMN ${name} ${type} fills every existing row from a sequence, which ${rewrite}`);
      else if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY'))
        report(`ADD COLUMN ${name} … AS IDENTITY numbers every existing row, which ${rewrite}`);
      else if (constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v')) {
        report(`ADD COLUMN ${name} GENERATED … STORED computes the value for every existing row, which ${rewrite}`);
      }
      for (const constraint of constraints.filter((c) => c.contype === 'CONSTR_DEFAULT')) {
        const volatility = defaultVolatility(constraint.raw_expr);
        if (volatility.kind === 'volatile') {
          report(
            `ADD COLUMN ${name} DEFAULT ${volatility.fn}(): a volatile default is computed per row, which ${rewrite}`,
          );
        } else if (volatility.kind === 'unknown') {
          report(
            `ADD COLUMN ${name} DEFAULT ${volatility.fn}(…): if that function is VOLATILE the statement ${rewrite}`,
            'warning',
          );
        } else if ((target.context.serverVersionNum ?? Infinity) < 110000 && !isNullDefault(constraint.raw_expr)) {
          report(`ADD COLUMN ${name} with a DEFAULT before PostgreSQL 11 ${rewrite}`);
        }
      }
    }
    return reports;
  },
};

/** Most type changes rewrite the table and rebuild its indexes; even the cheap ones take ACCESS EXCLUSIVE. */
export const changingColumnType: LintRule = {
  id: 'changing-column-type',
  severity: 'error',
  description: 'ALTER COLUMN … TYPE on an existing table takes ACCESS EXCLUSIVE and usually rewrites it.',
  check(target) {
    const reports: RuleReport[] = [];
    for (const { index, cmd, table, existing } of alterTableCommands(target)) {
      if (cmd.subtype !== 'AT_AlterColumnType' || !existing) continue;
      reports.push({
        statement: index,
        node: cmd,
        message: `ALTER COLUMN ${String(cmd.name)} TYPE locks ${table} against reads and writes and, for most type changes, rewrites it with all its indexes`,
        hint: 'Add a new column of the new type, backfill it in batches, switch the code over, then drop the old column in a later migration.',
      });
    }
    return reports;
  },
};
