import type { Command } from 'commander';
import type { MigrateResult } from '../../runner/runner.js';
import { promotionGate } from '../../environments/workspace.js';
import { backupGate } from '../../backups/before-migrate.js';
import { backupServiceFor } from '../../backups/for-workspace.js';
import { addCommonOptions, openCliWorkspace, type CliContext, type CommonOptions } from '../context.js';
import { chainGates, confirmProtected, samePlanGate } from '../confirm.js';
import { paint, printJson, type Output } from '../output.js';
import { formatPlan } from '../format-plan.js';

interface MigrateOptions extends CommonOptions {
  to?: string;
  dryRun?: boolean;
  outOfOrder?: boolean;
  ignoreMissing?: boolean;
  yes?: boolean;
  forcePromotion?: string;
  backup?: boolean;
  backupDir?: string;
}

export function registerMigrate(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('plan'))
    .description('what migrate would run: order, transaction mode, table locks per statement, lint findings')
    .option('--to <version>', 'stop after this version')
    .option('--out-of-order', 'allow pending versions lower than the current one')
    .option('--ignore-missing', 'proceed although applied versions have no file')
    .action(async (options: MigrateOptions) => {
      const { runner } = await openCliWorkspace(options, ctx);
      render(
        ctx,
        options,
        await runner.migrate({
          to: options.to,
          outOfOrder: options.outOfOrder,
          ignoreMissing: options.ignoreMissing,
          dryRun: true,
        }),
      );
    });
  addCommonOptions(program.command('migrate').alias('up'))
    .description('apply pending migrations, each in its own transaction with its tracking row')
    .option('--to <version>', 'stop after this version')
    .option('--dry-run', 'print what would run, in order, without changing anything')
    .option('--out-of-order', 'allow pending versions lower than the current one')
    .option('--ignore-missing', 'proceed although applied versions have no file')
    .option('-y, --yes', 'confirm changes to a protected environment')
    .option(
      '--force-promotion <reason>',
      'apply although the upstream environment has not (reason goes into the event log)',
    )
    .option('--no-backup', 'skip the automatic backup (protected environments, destructive migrations)')
    .option('--backup-dir <dir>', 'where the automatic backup goes (default: ./backups, config backupDir)')
    .action(async (options: MigrateOptions) => {
      const workspace = await openCliWorkspace(options, ctx, true);
      const runner = workspace.runner;
      const planOptions = { to: options.to, outOfOrder: options.outOfOrder, ignoreMissing: options.ignoreMissing };
      if (options.dryRun) return render(ctx, options, await runner.migrate({ ...planOptions, dryRun: true }));
      let confirmed;
      if (workspace.environment?.protected) {
        // Show the plan, then hold the run to exactly what was confirmed.
        const plan = await runner.migrate({ ...planOptions, dryRun: true });
        if (!options.json) ctx.output.err(formatMigrate(ctx.output, plan));
        if (plan.planned.length > 0)
          await confirmProtected(workspace, ctx, options.yes, `Apply ${plan.planned.length} migration(s) to it?`);
        confirmed = samePlanGate(plan.planned.map((p) => p.version));
      }
      const policy =
        workspace.environment?.settings.backupPolicy ?? workspace.loaded.config.backupPolicy ?? 'destructive';
      const backups =
        options.backup === false || !workspace.runnerOptions.databaseUrl
          ? undefined
          : backupGate(
              backupServiceFor(workspace, ctx.env, ctx.cwd, options.backupDir ? { backupDir: options.backupDir } : {}),
              policy,
              workspace.environment?.protected ?? false,
              (id, reason) => {
                if (!options.json) ctx.output.err(`backup ${id} taken (${reason})`);
              },
            );
      const gate = chainGates(promotionGate(workspace, ctx.env, options.forcePromotion), confirmed, backups);
      render(ctx, options, await runner.migrate({ ...planOptions, beforeApply: gate }));
    });
}

function render(ctx: CliContext, options: MigrateOptions, result: MigrateResult): void {
  if (options.json) printJson(ctx.output, result);
  else ctx.output.out(formatMigrate(ctx.output, result));
}

function formatMigrate(output: Output, result: MigrateResult): string {
  if (result.dryRun) {
    if (result.planned.length === 0) return `Nothing to apply; current version ${result.current ?? '(none)'}.`;
    return formatPlan(output, 'apply', result.planned);
  }
  if (result.applied.length === 0) return `Nothing to apply; current version ${result.current ?? '(none)'}.`;
  return `${paint(output, 'green', 'Applied')} ${result.applied.length} migration(s); current version ${result.current}.`;
}
