import type { Command } from 'commander';
import { rollbackTarget, type RollbackRequest } from '../../app/operations.js';
import { OgelError } from '../../errors.js';
import {
  addCommonOptions,
  claimInterrupts,
  cliPrincipal,
  openCliTarget,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { paint, printJson } from '../output.js';
import { confirmPlan } from '../confirm.js';
import { formatPlan, formatReview } from '../format-plan.js';

interface RollbackOptions extends CommonOptions {
  steps?: string;
  to?: string;
  dryRun?: boolean;
  yes?: boolean;
  plan?: string;
  backup?: boolean;
}

export function registerRollback(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('rollback').alias('down'))
    .description('revert applied migrations newest first with their .down.sql files')
    .option('--steps <n>', 'how many migrations to revert (default 1)')
    .option('--to <version>', 'revert everything above this version (0 = all)')
    .option('--dry-run', 'print what would be reverted without changing anything')
    .option('-y, --yes', 'confirm the plan shown for a protected environment')
    .option('--plan <id>', 'revert only if the plan is still this one (its id from --dry-run)')
    .option('--no-backup', 'skip the automatic backup (protected environments, destructive downs)')
    .option('--backup-dir <dir>', 'where the automatic backup goes (default: ./backups, config backupDir)')
    .action(async (options: RollbackOptions) => {
      if (options.steps !== undefined && options.to !== undefined)
        throw new OgelError('USAGE', 'Give either --steps or --to, not both');
      const target = await openCliTarget(options, ctx, { progress: true });
      const principal = cliPrincipal();
      const steps = parseInteger(options.steps, '--steps', 1);
      const request: RollbackRequest = {
        ...(steps !== undefined ? { steps } : {}),
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.backup === false ? { skipBackup: true } : {}),
      };
      const plan = await rollbackTarget(target, { ...request, dryRun: true }, principal);
      if (options.dryRun) {
        if (options.json) return printJson(ctx.output, plan);
        return ctx.output.out(
          `${formatPlan(ctx.output, 'revert', plan.planned)}\n\n${formatReview(ctx.output, plan.planId, plan.review, plan.planned.length)}`,
        );
      }
      const question = `Revert ${plan.planned.map((p) => p.version).join(', ')}?`;
      Object.assign(
        request,
        await confirmPlan(target, ctx, options, { planId: plan.planId, planned: plan.planned.length }, question),
      );
      const result = await rollbackTarget(target, { ...request, signal: claimInterrupts(ctx) }, principal, {
        onBackup: (backup) => !options.json && ctx.output.err(`backup ${backup.id} taken (${backup.reason})`),
      });
      if (options.json) return printJson(ctx.output, result);
      ctx.output.out(
        `${paint(ctx.output, 'green', 'Reverted')} ${result.reverted.length} migration(s); current version ${result.current ?? '(none)'}.`,
      );
    });
}
