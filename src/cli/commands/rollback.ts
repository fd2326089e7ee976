import type { Command } from 'commander';
import { OgelError } from '../../errors.js';
import { addCommonOptions, openCliWorkspace, parseInteger, type CliContext, type CommonOptions } from '../context.js';
import { paint, printJson } from '../output.js';
import { confirmProtected, samePlanGate } from '../confirm.js';
import { formatPlan } from '../format-plan.js';

export function registerRollback(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('rollback').alias('down'))
    .description('revert applied migrations newest first with their .down.sql files')
    .option('--steps <n>', 'how many migrations to revert (default 1)')
    .option('--to <version>', 'revert everything above this version (0 = all)')
    .option('--dry-run', 'print what would be reverted without changing anything')
    .option('-y, --yes', 'confirm changes to a protected environment')
    .action(async (options: CommonOptions & { steps?: string; to?: string; dryRun?: boolean; yes?: boolean }) => {
      if (options.steps !== undefined && options.to !== undefined)
        throw new OgelError('USAGE', 'Give either --steps or --to, not both');
      const workspace = await openCliWorkspace(options, ctx, true);
      const planOptions = { steps: parseInteger(options.steps, '--steps', 1), to: options.to };
      const plan = await workspace.runner.rollback({ ...planOptions, dryRun: true });
      let gate;
      if (!options.dryRun && plan.planned.length > 0 && workspace.environment?.protected) {
        await confirmProtected(workspace, ctx, options.yes, `Revert ${plan.planned.map((p) => p.version).join(', ')}?`);
        gate = samePlanGate(plan.planned.map((p) => p.version));
      }
      const result = options.dryRun ? plan : await workspace.runner.rollback({ ...planOptions, beforeApply: gate });
      if (options.json) return printJson(ctx.output, result);
      if (result.dryRun) {
        ctx.output.out(formatPlan(ctx.output, 'revert', result.planned));
      } else {
        ctx.output.out(
          `${paint(ctx.output, 'green', 'Reverted')} ${result.reverted.length} migration(s); current version ${result.current ?? '(none)'}.`,
        );
      }
    });
}
