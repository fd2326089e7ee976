import type { Command } from 'commander';
import type { MigrateResult } from '../../runner/runner.js';
import { addCommonOptions, createRunner, type CliContext, type CommonOptions } from '../context.js';
import { paint, printJson, type Output } from '../output.js';

interface MigrateOptions extends CommonOptions {
  to?: string;
  dryRun?: boolean;
  outOfOrder?: boolean;
  ignoreMissing?: boolean;
}

export function registerMigrate(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('migrate').alias('up'))
    .description('apply pending migrations, each in its own transaction with its tracking row')
    .option('--to <version>', 'stop after this version')
    .option('--dry-run', 'print what would run, in order, without changing anything')
    .option('--out-of-order', 'allow pending versions lower than the current one')
    .option('--ignore-missing', 'proceed although applied versions have no file')
    .action(async (options: MigrateOptions) => {
      const runner = createRunner(options, ctx, true);
      const result = await runner.migrate({
        dryRun: options.dryRun,
        to: options.to,
        outOfOrder: options.outOfOrder,
        ignoreMissing: options.ignoreMissing,
      });
      if (options.json) printJson(ctx.output, result);
      else ctx.output.out(formatMigrate(ctx.output, result));
    });
}

function formatMigrate(output: Output, result: MigrateResult): string {
  if (result.dryRun) {
    if (result.planned.length === 0) return `Nothing to apply; current version ${result.current ?? '(none)'}.`;
    const lines = result.planned.map(
      (p) => `  ${p.version}_${p.name}  ${p.transactional ? 'transaction' : paint(output, 'yellow', `no transaction (${p.modeReason})`)}  ${p.statements} statement(s)`,
    );
    return [`Would apply ${result.planned.length} migration(s):`, ...lines].join('\n');
  }
  if (result.applied.length === 0) return `Nothing to apply; current version ${result.current ?? '(none)'}.`;
  return `${paint(output, 'green', 'Applied')} ${result.applied.length} migration(s); current version ${result.current}.`;
}
