import type { Migration } from '../core/migration.js';
import { readDirectives } from '../core/directives.js';
import { OgelError } from '../errors.js';
import { lintMigration, lintMigrations, type LintFinding, type LintInput } from '../lint/index.js';
import { parseStatements } from '../sql/parser.js';

export interface LintReport {
  /** Migrations linted, in order. */
  files: string[];
  findings: LintFinding[];
  errors: number;
  warnings: number;
}

/**
 * Parses and lints migrations in run order. A file that does not parse becomes an error finding
 * (`syntax-error`) instead of stopping the run, so one report lists every problem. Call ensureParser first.
 */
export function lintTargets(
  targets: ReadonlyArray<{ migration: Migration; modified: boolean }>,
  disabledRules?: string[],
  chain = true,
): LintReport {
  const inputs: LintInput[] = [];
  const syntax: LintFinding[] = [];
  for (const { migration, modified } of targets) {
    try {
      const statements = parseStatements(migration.upSql, migration.file);
      inputs.push({
        file: migration.file,
        sql: migration.upSql,
        statements,
        // An empty down is a down: the up has nothing to undo (a CREATE EXTENSION IF NOT EXISTS, a data fix).
        // A repeatable migration has no down by design: missing-down does not apply to it.
        hasDown: migration.downSql !== undefined || migration.repeatable === true,
        modified,
        noTransaction: readDirectives(migration.upSql).noTransaction,
      });
    } catch (error) {
      if (!(error instanceof OgelError)) throw error;
      const { line = 1, column = 1 } = error.details as { line?: number; column?: number };
      syntax.push({
        rule: 'syntax-error',
        severity: 'error',
        file: migration.file,
        line,
        column,
        message: error.message.replace(/^[^:]+:\d+:\d+: /, ''),
        hint: 'Fix the SQL; the Postgres parser rejects it',
      });
    }
  }
  const options = disabledRules ? { disabledRules } : {};
  // Chained, a table created by an earlier file in the set is new (as it is for a pending set). Without a
  // database every file is linted on its own: otherwise everything would look new and nothing be flagged.
  const linted = chain
    ? lintMigrations(inputs, options)
    : inputs.flatMap((input) => lintMigration(input, { createdTables: new Set() }, options));
  const findings = [...syntax, ...linted];
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { files: targets.map((t) => t.migration.file), findings, errors, warnings: findings.length - errors };
}
