import { readDirectives } from '../core/directives.js';
import type { LintRule, LintTarget, RuleReport } from './types.js';

/**
 * `-- ogel:lint-ignore RULE reason` switches RULE off for the whole file. The reason is mandatory so that a
 * reviewer sees why the risk is accepted; a suppression without one suppresses nothing.
 */
export function suppressedRules(sql: string): Set<string> {
  return new Set(
    readDirectives(sql)
      .lintIgnores.filter((ignore) => ignore.reason !== '')
      .map((ignore) => ignore.rule),
  );
}

function ignoreComments(target: LintTarget) {
  const lines = target.input.sql.split('\n');
  return readDirectives(target.input.sql).lintIgnores.map((ignore) => ({
    ...ignore,
    column: (lines[ignore.line - 1] ?? '').indexOf('--') + 1,
  }));
}

/** The linter's checks on its own suppression comments; these cannot be suppressed by a comment. */
export function suppressionRules(isKnownRule: (id: string) => boolean): LintRule[] {
  return [
    {
      id: 'lint-ignore-without-reason',
      severity: 'error',
      description: '`-- ogel:lint-ignore RULE` without a reason (it then suppresses nothing).',
      check(target) {
        return ignoreComments(target)
          .filter((ignore) => ignore.reason === '')
          .map((ignore): RuleReport => ({
            line: ignore.line,
            column: ignore.column,
            message: `lint-ignore ${ignore.rule} has no reason, so it suppresses nothing`,
            hint: `Say why the risk is acceptable: \`-- ogel:lint-ignore ${ignore.rule} <reason>\`.`,
          }));
      },
    },
    {
      id: 'lint-ignore-unknown-rule',
      severity: 'warning',
      description: '`-- ogel:lint-ignore` names a rule that does not exist (a typo suppresses nothing).',
      check(target) {
        return ignoreComments(target)
          .filter((ignore) => !isKnownRule(ignore.rule))
          .map((ignore): RuleReport => ({
            line: ignore.line,
            column: ignore.column,
            message: `lint-ignore names unknown rule ${ignore.rule}`,
            hint: 'Use a rule id exactly as the finding prints it.',
          }));
      },
    },
  ];
}

/** Rules a file comment cannot switch off: they police the comments themselves. */
export const UNSUPPRESSIBLE = new Set(['lint-ignore-without-reason', 'lint-ignore-unknown-rule']);
