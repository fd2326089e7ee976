import { appendFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ciSummaryMarkdown, runCiChecks } from '../../ci/checks.js';
import { openTarget, openTargetForUrl } from '../../app/target.js';
import { formatGithub, formatText } from '../../lint/index.js';
import { githubPath } from '../github-path.js';
import {
  addCommonOptions,
  claimInterrupts,
  openCliTarget,
  overridesFrom,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { signalExitCode } from '../interrupt.js';
import { paint, printJson, severityPainter } from '../output.js';
import { formatVerify } from './verify.js';

interface CiCommandOptions extends CommonOptions {
  embedded?: boolean;
  lintAgainst?: string;
  format?: string;
  skipVerify?: boolean;
}

export function registerCi(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('ci'))
    .description('the pull-request gate: validate files, lint (GitHub annotations), rollback-test; exit 1 on failure')
    .option('--embedded', 'rollback-test on a private embedded PostgreSQL (no database needed)')
    .option(
      '--lint-against <env-or-url>',
      "lint only what is pending there (default: what is pending on the command's database; every file without one)",
    )
    .option('--format <format>', 'lint output: text or github (default: github when $GITHUB_ACTIONS is set)')
    .option('--skip-verify', 'do not run the rollback test')
    .action(async (options: CiCommandOptions) => {
      const workspace = await openCliTarget(options, ctx, { database: 'optional' });
      const { databaseUrl: _url, ...overrides } = overridesFrom(options);
      const against = options.lintAgainst
        ? /^postgres(ql)?:\/\//.test(options.lintAgainst)
          ? openTargetForUrl(workspace, options.lintAgainst).runner
          : openTarget(workspace.loaded, options.lintAgainst, overrides, { ...workspace.context, database: 'required' })
              .runner
        : undefined;
      const disabledRules = workspace.loaded.config.lint?.disabledRules;
      const report = await runCiChecks(workspace.runner, {
        ...(against ? { lintAgainst: against } : {}),
        ...(disabledRules ? { disabledRules } : {}),
        embedded: options.embedded || !workspace.runnerOptions.databaseUrl,
        skipVerify: options.skipVerify,
        signal: claimInterrupts(ctx),
      });
      const interrupted = report.verify && 'interrupted' in report.verify ? report.verify.interrupted : undefined;
      if (!report.ok) ctx.exitCode = interrupted ? signalExitCode(interrupted) : 1;
      if (ctx.env.GITHUB_STEP_SUMMARY) await appendFile(ctx.env.GITHUB_STEP_SUMMARY, ciSummaryMarkdown(report));
      if (options.json) return printJson(ctx.output, report);
      const github = (options.format ?? (ctx.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text')) === 'github';
      const v = report.validate;
      ctx.output.out(
        `${paint(ctx.output, v.ok ? 'green' : 'red', 'validate')}: ${v.migrations} migration(s), ${v.problems.length} problem(s)`,
      );
      for (const p of v.problems) ctx.output.out(`  [${p.code}] ${p.message}`);
      if (report.lint) {
        ctx.output.out(
          `${paint(ctx.output, report.lint.errors === 0 ? 'green' : 'red', 'lint')}: ${report.lint.files.length} file(s), ${report.lint.errors} error(s), ${report.lint.warnings} warning(s)`,
        );
        if (report.lint.findings.length > 0)
          ctx.output.out(
            github
              ? formatGithub(
                  report.lint.findings,
                  githubPath(ctx.env, ctx.cwd, workspace.runnerOptions.dir ?? 'migrations'),
                )
              : formatText(report.lint.findings, severityPainter(ctx.output)),
          );
      }
      if (report.verify && 'results' in report.verify)
        ctx.output.out(
          `${paint(ctx.output, report.verify.ok ? 'green' : 'red', 'verify')}:\n${formatVerify(ctx, report.verify)}`,
        );
      else if (report.verify) ctx.output.out(`${paint(ctx.output, 'red', 'verify')}: ${report.verify.error}`);
      ctx.output.out(report.ok ? paint(ctx.output, 'green', 'ci: passed') : paint(ctx.output, 'red', 'ci: failed'));
    });
}
