import type { Command } from 'commander';
import { migrateTarget, type Guarded, type MigrateRequest } from '../../app/operations.js';
import type { MigrateResult } from '../../runner/runner.js';
import {
  addCommonOptions,
  claimInterrupts,
  cliPrincipal,
  openCliTarget,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { confirmPlan } from '../confirm.js';
import { paint, printJson, type Output } from '../output.js';
import { formatPlan, formatReview } from '../format-plan.js';

interface MigrateOptions extends CommonOptions {
  to?: string;
  dryRun?: boolean;
  outOfOrder?: boolean;
  ignoreMissing?: boolean;
  yes?: boolean;
  plan?: string;
  forcePromotion?: string;
  backup?: boolean;
}

/** `plan` and `migrate`: parse the flags, call the guarded operation, render its result. */
export function registerMigrate(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('plan'))
    .description('what migrate would run: order, transaction mode, table locks, lint findings, plan id and the rules')
    .option('--to <version>', 'stop after this version')
    .option('--out-of-order', 'allow pending versions lower than the current one')
    .option('--ignore-missing', 'proceed although applied versions have no file')
    .action(async (options: MigrateOptions) => {
      const target = await openCliTarget(options, ctx);
      render(ctx, options, await migrateTarget(target, { ...planOptions(options), dryRun: true }, cliPrincipal()));
    });
  addCommonOptions(program.command('migrate').alias('up'))
    .description('apply pending migrations, each in its own transaction with its tracking row')
    .option('--to <version>', 'stop after this version')
    .option('--dry-run', 'print what would run, in order, without changing anything')
    .option('--out-of-order', 'allow pending versions lower than the current one')
    .option('--ignore-missing', 'proceed although applied versions have no file')
    .option('-y, --yes', 'confirm the plan shown for a protected environment')
    .option('--plan <id>', 'apply only if the plan is still this one (its id from `plan` or --dry-run)')
    .option('--force-promotion <reason>', 'apply although the upstream environment has not (reason is logged)')
    .option('--no-backup', 'skip the automatic backup (protected environments, destructive migrations)')
    .option('--backup-dir <dir>', 'where the automatic backup goes (default: ./backups, config backupDir)')
    .action(async (options: MigrateOptions) => {
      const target = await openCliTarget(options, ctx, { progress: true });
      const principal = cliPrincipal();
      const request: MigrateRequest = {
        ...planOptions(options),
        ...(options.forcePromotion !== undefined ? { forceReason: options.forcePromotion } : {}),
        ...(options.backup === false ? { skipBackup: true } : {}),
      };
      if (options.dryRun)
        return render(ctx, options, await migrateTarget(target, { ...request, dryRun: true }, principal));
      if (target.protected || options.plan !== undefined) {
        // Show the plan, then hold the run to exactly that plan.
        const plan = await migrateTarget(target, { ...request, dryRun: true }, principal);
        if (!options.json) ctx.output.err(formatMigrate(ctx.output, plan));
        const question = `Apply ${plan.planned.length} migration(s) to it?`;
        Object.assign(
          request,
          await confirmPlan(target, ctx, options, { planId: plan.planId, planned: plan.planned.length }, question),
        );
      }
      // Ctrl-C / SIGTERM: the running statement is cancelled on the server, so its migration rolls back.
      const result = await migrateTarget(target, { ...request, signal: claimInterrupts(ctx) }, principal, {
        onBackup: (backup) => !options.json && ctx.output.err(`backup ${backup.id} taken (${backup.reason})`),
      });
      render(ctx, options, result);
    });
}

function planOptions(options: MigrateOptions): MigrateRequest {
  return {
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.outOfOrder ? { outOfOrder: true } : {}),
    ...(options.ignoreMissing ? { ignoreMissing: true } : {}),
  };
}

function render(ctx: CliContext, options: MigrateOptions, result: Guarded<MigrateResult>): void {
  if (options.json) printJson(ctx.output, result);
  else ctx.output.out(formatMigrate(ctx.output, result));
}

function formatMigrate(output: Output, result: Guarded<MigrateResult>): string {
  if (result.dryRun) {
    if (result.planned.length === 0) return `Nothing to apply; current version ${result.current ?? '(none)'}.`;
    return `${formatPlan(output, 'apply', result.planned)}\n\n${formatReview(output, result.planId, result.review, result.planned.length)}`;
  }
  if (result.applied.length === 0) return `Nothing to apply; current version ${result.current ?? '(none)'}.`;
  const forced = result.forced ? ` (promotion forced: ${result.forced.reason})` : '';
  return `${paint(output, 'green', 'Applied')} ${result.applied.length} migration(s); current version ${result.current}.${forced}`;
}
