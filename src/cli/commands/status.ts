import type { Command } from 'commander';
import { addCommonOptions, openCliTarget, type CliContext, type CommonOptions } from '../context.js';
import { formatStatus } from '../format-status.js';
import { statusJson } from '../../core/status-json.js';
import { printJson } from '../output.js';

/** Exit status of `status --check` when anything needs attention, distinct from failures (1) and usage (2). */
export const CHECK_FAILED_EXIT = 3;

export function registerStatus(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('status'))
    .description('show every migration and its state (applied, pending, modified, missing, failed)')
    .option('--check', `exit ${CHECK_FAILED_EXIT} when anything is pending, modified, missing or failed (for CI)`)
    .action(async (options: CommonOptions & { check?: boolean }) => {
      const report = await (await openCliTarget(options, ctx)).runner.status();
      if (options.json) printJson(ctx.output, statusJson(report));
      else ctx.output.out(formatStatus(ctx.output, report));
      const { pending, modified, missing, failed } = report.counts;
      if (options.check && pending + modified + missing + failed > 0) ctx.exitCode = CHECK_FAILED_EXIT;
    });
}
