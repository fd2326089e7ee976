import type { Command } from 'commander';
import { OgelError } from '../../errors.js';
import { formatGithub, formatText, RULES } from '../../lint/index.js';
import { githubPath } from '../github-path.js';
import { addCommonOptions, openCliTarget, type CliContext, type CommonOptions } from '../context.js';
import { printJson, severityPainter } from '../output.js';

interface LintCommandOptions extends CommonOptions {
  format?: string;
  all?: boolean;
  rules?: boolean;
}

export function registerLint(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('lint'))
    .description('flag dangerous DDL in pending migrations (locks, rewrites, destructive changes); exit 1 on errors')
    .option('--format <format>', 'text, json or github (annotations on a pull request)', 'text')
    .option('--all', 'lint every file, not only the pending ones (also what happens without a database)')
    .option('--rules', 'list the rules and exit')
    .action(async (options: LintCommandOptions) => {
      if (options.rules) {
        if (options.json) {
          const rules = RULES.map((r) => ({ id: r.id, severity: r.severity, description: r.description }));
          return printJson(ctx.output, { rules });
        }
        ctx.output.out(RULES.map((r) => `${r.id.padEnd(36)} ${r.severity.padEnd(7)} ${r.description}`).join('\n'));
        return;
      }
      const format = options.json ? 'json' : (options.format ?? 'text');
      if (!['text', 'json', 'github'].includes(format))
        throw new OgelError('USAGE', `--format must be text, json or github (got "${format}")`);
      const workspace = await openCliTarget(options, ctx, { database: 'optional' });
      const disabledRules = workspace.loaded.config.lint?.disabledRules;
      const report = await workspace.runner.lint({
        offline: options.all || !workspace.runnerOptions.databaseUrl,
        ...(disabledRules ? { disabledRules } : {}),
      });
      if (report.errors > 0) ctx.exitCode = 1;
      if (format === 'json') return printJson(ctx.output, report);
      if (format === 'github') {
        const pathOf = githubPath(ctx.env, ctx.cwd, workspace.runnerOptions.dir ?? 'migrations');
        return ctx.output.out(formatGithub(report.findings, pathOf) || 'No findings.');
      }
      ctx.output.out(
        `Linted ${report.files.length} migration(s).\n${formatText(report.findings, severityPainter(ctx.output))}`,
      );
    });
}
