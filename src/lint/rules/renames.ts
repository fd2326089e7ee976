import { writtenName } from '../ast.js';
import type { LintRule, RuleReport } from '../types.js';

/**
 * A rename takes effect at commit, while the previous release is still running and still using the old name:
 * every query it sends then fails until the new release is out. Renaming a table created earlier in the
 * pending set is harmless, since nothing uses it yet.
 */
function renameRule(id: string, renameType: string, what: string): LintRule {
  return {
    id,
    severity: 'error',
    description: `Renaming a ${what} breaks running code that still uses the old name.`,
    check(target) {
      const reports: RuleReport[] = [];
      target.input.statements.forEach((statement, index) => {
        const node = statement.node;
        if (statement.kind !== 'RenameStmt' || node.renameType !== renameType) return;
        if (renameType === 'OBJECT_COLUMN' && node.relationType !== 'OBJECT_TABLE') return;
        if (!target.isExistingTable(node.relation, index)) return;
        const old =
          renameType === 'OBJECT_COLUMN'
            ? `${writtenName(node.relation)}.${String(node.subname)}`
            : writtenName(node.relation);
        reports.push({
          statement: index,
          message: `Renaming ${what} ${old} to ${String(node.newname)} breaks every running query that still uses the old name`,
          hint: `Expand and contract: add the new ${what} (or a view / generated column under the new name), move the code over, and drop the old one in a later release.`,
        });
      });
      return reports;
    },
  };
}

export const renamingTable = renameRule('renaming-table', 'OBJECT_TABLE', 'table');
export const renamingColumn = renameRule('renaming-column', 'OBJECT_COLUMN', 'column');
