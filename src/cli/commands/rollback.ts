import type { Command } from 'commander';
import { OgelError } from '../../errors.js';
import { addCommonOptions, createRunner, parseInteger, type CliContext, type CommonOptions } from '../context.js';
import { paint, printJson } from '../output.js';

export function registerRollback(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('rollback').alias('down'))
    .description('revert applied migrations newest first with their .down.sql files')
    .option('--steps <n>', 'how many migrations to revert (default 1)')
    .option('--to <version>', 'revert everything above this version (0 = all)')
    .option('--dry-run', 'print what would be reverted without changing anything')
    .action(async (options: CommonOptions & { steps?: string; to?: string; dryRun?: boolean }) => {
      if (options.steps !== undefined && options.to !== undefined) throw new OgelError('USAGE', 'Give either --steps or --to, not both');
      const runner = createRunner(options, ctx, true);
      const result = await runner.rollback({ steps: parseInteger(options.steps, '--steps', 1), to: options.to, dryRun: options.dryRun });
      if (options.json) return printJson(ctx.output, result);
      if (result.dryRun) {
        ctx.output.out([`Would revert ${result.planned.length} migration(s):`, ...result.planned.map((p) => `  ${p.version}_${p.name} (${p.file})`)].join('\n'));
      } else {
        ctx.output.out(`${paint(ctx.output, 'green', 'Reverted')} ${result.reverted.length} migration(s); current version ${result.current ?? '(none)'}.`);
      }
    });
}
