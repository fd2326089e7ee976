import { earliestLocation } from './ast.js';
import { byteLocator } from '../sql/position.js';
import { RULES } from './rules/index.js';
import { notNullCheckedAfter } from './rules/constraints.js';
import { indexesOnNewTablesAfter } from './rules/indexes.js';
import { suppressedRules, UNSUPPRESSIBLE } from './suppress.js';
import { buildTarget, normalizeTables, tablesCreatedIn } from './target.js';
import type { LintContext, LintFinding, LintInput, LintOptions, LintRule, RuleReport } from './types.js';

/**
 * Lints one migration file: runs every rule that is neither disabled in config nor suppressed by a
 * `-- ogel:lint-ignore RULE reason` comment, and returns the findings sorted by position. Pure.
 */
export function lintMigration(input: LintInput, context: LintContext, options: LintOptions = {}): LintFinding[] {
  const target = buildTarget(input, context);
  const disabled = new Set(options.disabledRules ?? []);
  const suppressed = suppressedRules(input.sql);
  const locate = byteLocator(input.sql);
  const findings: LintFinding[] = [];
  for (const rule of RULES) {
    if (disabled.has(rule.id) || (suppressed.has(rule.id) && !UNSUPPRESSIBLE.has(rule.id))) continue;
    for (const report of rule.check(target)) findings.push(toFinding(rule, report, input, locate));
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * Lints pending migrations in the order they will run. Each file sees the tables created (and the NOT NULL
 * checks validated) by the files before it, so e.g. indexing a table created one migration earlier is fine.
 */
export function lintMigrations(
  inputs: readonly LintInput[],
  options: LintOptions = {},
  initial: Partial<LintContext> = {},
): LintFinding[] {
  let context: LintContext = { ...initial, createdTables: normalizeTables(initial.createdTables ?? []) };
  const findings: LintFinding[] = [];
  for (const input of inputs) {
    findings.push(...lintMigration(input, context, options));
    context = {
      ...context,
      createdTables: new Set([
        ...context.createdTables,
        ...tablesCreatedIn(input.statements, context.createdTables).keys(),
      ]),
      notNullChecked: notNullCheckedAfter(input.statements, context.notNullChecked),
      indexesOnNewTables: indexesOnNewTablesAfter(buildTarget(input, context), context.indexesOnNewTables),
    };
  }
  return findings;
}

/** Whether any finding should fail the run. */
export const hasErrors = (findings: readonly LintFinding[]): boolean => findings.some((f) => f.severity === 'error');

function toFinding(
  rule: LintRule,
  report: RuleReport,
  input: LintInput,
  locate: ReturnType<typeof byteLocator>,
): LintFinding {
  const statement = report.statement === undefined ? undefined : input.statements[report.statement];
  const location = report.node === undefined ? undefined : earliestLocation(report.node);
  const position =
    report.line !== undefined
      ? { line: report.line, column: report.column ?? 1 }
      : location !== undefined
        ? locate(location)
        : statement
          ? { line: statement.line, column: statement.column }
          : { line: 1, column: 1 };
  return {
    rule: rule.id,
    severity: report.severity ?? rule.severity,
    file: input.file,
    line: position.line,
    column: position.column,
    message: report.message,
    hint: report.hint,
  };
}
