/** The dangerous-DDL linter: pure functions from parsed migration files to findings. */
export { lintMigration, lintMigrations, hasErrors } from './lint.js';
export { formatText, formatGithub, formatJson, escapeData, escapeProperty } from './format.js';
export { isDestructive, destructiveReason } from './rules/destructive.js';
export { RULES } from './rules/index.js';
export { tablesCreatedIn } from './target.js';
export type {
  LintFinding,
  LintInput,
  LintContext,
  LintOptions,
  LintRule,
  LintTarget,
  RuleReport,
  Severity,
} from './types.js';
