import type { LintReport } from '../runner/lint-migrations.js';
import type { MigrationRunner, ValidateResult } from '../runner/runner.js';
import type { VerifyReport } from '../verify/verify.js';
import { OgelError } from '../errors.js';

export interface CiReport {
  ok: boolean;
  validate: ValidateResult;
  lint: LintReport | null;
  verify: VerifyReport | { error: string } | null;
}

export interface CiOptions {
  /** Lint against this runner's pending set (e.g. staging), else every file. */
  lintAgainst?: MigrationRunner;
  disabledRules?: string[];
  /** Rollback-test on a private embedded PostgreSQL instead of the runner's server. */
  embedded?: boolean;
  skipVerify?: boolean;
  /** Stops the rollback test (Ctrl-C): its report so far, with `interrupted` set. */
  signal?: AbortSignal;
}

/**
 * The pull-request gate: validate every file, lint what would run, rollback-test on a scratch database.
 * Steps after a failed validation still run where they can, so one CI run reports everything.
 */
export async function runCiChecks(runner: MigrationRunner, options: CiOptions = {}): Promise<CiReport> {
  const validate = await runner.validate({ offline: true });
  const filesOk = !validate.problems.some((p) => p.code === 'INVALID_MIGRATION_FILES');
  const disabled = options.disabledRules ? { disabledRules: options.disabledRules } : {};
  // What is pending on the database given (a fresh CI database: every file, in order, so a table created by
  // an earlier file is new to a later one); every file on its own only without a database.
  const lint = filesOk ? await (options.lintAgainst ?? runner).lint({ offline: false, ...disabled }) : null;
  let verify: CiReport['verify'] = null;
  if (filesOk && validate.ok && !options.skipVerify) {
    try {
      verify = await runner.verify({
        embedded: options.embedded,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof OgelError)) throw error;
      verify = { error: `[${error.code}] ${error.message}` };
    }
  }
  const verifyOk = verify === null ? options.skipVerify === true : 'ok' in verify && verify.ok;
  return { ok: validate.ok && (lint?.errors ?? 1) === 0 && verifyOk, validate, lint, verify };
}

/** Text for one Markdown table cell: a `|` would end the cell and a line break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Markdown for $GITHUB_STEP_SUMMARY: what passed, what did not, and where. */
export function ciSummaryMarkdown(report: CiReport): string {
  const mark = (ok: boolean) => (ok ? '✅' : '❌');
  const lines = ['## ogel-migrate ci', '', '| check | result |', '| --- | --- |'];
  lines.push(
    `| validate | ${mark(report.validate.ok)} ${report.validate.migrations} migration(s), ${report.validate.problems.length} problem(s) |`,
  );
  if (report.lint)
    lines.push(
      `| lint | ${mark(report.lint.errors === 0)} ${report.lint.files.length} file(s): ${report.lint.errors} error(s), ${report.lint.warnings} warning(s) |`,
    );
  if (report.verify && 'results' in report.verify) {
    const failed = report.verify.results.filter((r) => !['ok', 'irreversible'].includes(r.outcome));
    lines.push(
      `| verify (rollback test) | ${mark(report.verify.ok)} ${report.verify.results.length} migration(s), ${failed.length} failed |`,
    );
  } else if (report.verify) lines.push(`| verify (rollback test) | ❌ ${cell(report.verify.error)} |`);
  for (const problem of report.validate.problems)
    lines.push('', `- **${problem.code}** ${problem.file ?? ''}: ${problem.message.split('\n')[0]}`);
  if (report.lint && report.lint.findings.length > 0) {
    lines.push('', '### Lint', '', '| file | line | rule | message |', '| --- | --- | --- | --- |');
    for (const f of report.lint.findings)
      lines.push(
        `| ${cell(f.file)} | ${f.line} | ${f.severity === 'error' ? '❌' : '⚠️'} ${f.rule} | ${cell(f.message)} |`,
      );
  }
  if (report.verify && 'results' in report.verify) {
    lines.push('', '### Rollback test', '', '| migration | outcome | details |', '| --- | --- | --- |');
    for (const r of report.verify.results)
      lines.push(
        `| ${r.version}_${r.name} | ${r.outcome} | ${cell([...r.differences, r.outcome === 'irreversible' ? '' : (r.error ?? '')].filter(Boolean).join('\n'))} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
