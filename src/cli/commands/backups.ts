import type { Command } from 'commander';
import { backupsOf } from '../../app/target.js';
import { planRestore, restoreTarget } from '../../app/restore.js';
import { OgelError } from '../../errors.js';
import {
  addCommonOptions,
  cliPrincipal,
  openCliTarget,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { confirmPlan } from '../confirm.js';
import { paint, printJson } from '../output.js';

interface BackupFlags extends CommonOptions {
  backupDir?: string;
  format?: string;
  jobs?: string;
  keep?: string;
  keepDays?: string;
}

export function registerBackups(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('backup'))
    .description('take a logical backup with pg_dump and record it')
    .option(
      '--backup-dir <dir>',
      'where backups are stored (default: ./backups, $OGEL_MIGRATE_BACKUP_DIR, config backupDir)',
    )
    .option('--format <format>', 'custom (one file) or directory (parallel with --jobs)', 'custom')
    .option('--jobs <n>', 'parallel pg_dump jobs (directory format)')
    .option('--keep <n>', 'retention: keep the newest N backups')
    .option('--keep-days <d>', 'retention: delete backups older than D days')
    .action(async (options: BackupFlags) => {
      if (options.format !== 'custom' && options.format !== 'directory')
        throw new OgelError('USAGE', `--format must be custom or directory (got "${options.format}")`);
      const workspace = await openCliTarget(options, ctx);
      const service = backupsOf(workspace, flags(options));
      const backup = await service.create({ format: options.format, jobs: parseInteger(options.jobs, '--jobs', 1) });
      if (options.json) return printJson(ctx.output, backup);
      ctx.output.out(
        `${paint(ctx.output, 'green', 'Backup')} ${backup.id}: version ${backup.version ?? '(none)'}, ${formatBytes(backup.sizeBytes)} in ${backup.durationMs} ms → ${backup.path}`,
      );
      if (backup.pruned.length > 0) ctx.output.out(`Pruned by retention: ${backup.pruned.join(', ')}`);
    });

  addCommonOptions(program.command('backups'))
    .description('list recorded backups, newest first')
    .option('--backup-dir <dir>', 'where backups are stored')
    .action(async (options: BackupFlags) => {
      const workspace = await openCliTarget(options, ctx);
      const backups = await backupsOf(workspace, flags(options)).list();
      if (options.json) return printJson(ctx.output, backups);
      if (backups.length === 0) return ctx.output.out('No backups.');
      for (const b of backups)
        ctx.output.out(
          `${b.id}  ${b.createdAt}  version ${b.version ?? '—'}  ${formatBytes(b.sizeBytes)}  ${b.durationMs} ms  ${b.env ?? ''}  ${b.path}`,
        );
    });

  addCommonOptions(program.command('restore <id>'))
    .description('restore a backup with pg_restore (parallel), verifying its checksum and version')
    .option('--to-database <url>', 'restore into this database instead of the one backed up')
    .option('--jobs <n>', 'parallel pg_restore jobs')
    .option('--backup-dir <dir>', 'where backups are stored')
    .option('-y, --yes', 'confirm replacing the database')
    .option('--plan <id>', 'restore only if the restore plan is still this one')
    .action(async (id: string, options: BackupFlags & { toDatabase?: string; yes?: boolean; plan?: string }) => {
      const target = await openCliTarget(options, ctx);
      const principal = cliPrincipal();
      const request = {
        backupId: id,
        ...(options.toDatabase ? { toDatabaseUrl: options.toDatabase } : {}),
        ...(options.backupDir ? { backupDir: options.backupDir } : {}),
        jobs: parseInteger(options.jobs, '--jobs', 1),
      };
      if (!options.toDatabase) {
        // Restoring over the database replaces it: every environment confirms, bound to this restore plan.
        const plan = await planRestore(target, request, principal);
        const question = `Replace it with backup ${id} (version ${plan.backup.version ?? '(none)'})?`;
        Object.assign(
          request,
          await confirmPlan(
            { ...target, protected: true },
            ctx,
            options,
            { planId: plan.planId, planned: 1 },
            question,
          ),
        );
      }
      const result = await restoreTarget(target, request, principal);
      if (options.json) return printJson(ctx.output, result);
      ctx.output.out(
        `${paint(ctx.output, 'green', 'Restored')} ${result.id} into ${result.database}: version ${result.version ?? '(none)'} in ${result.durationMs} ms`,
      );
    });
}

function flags(options: BackupFlags): { backupDir?: string; keep?: number; keepDays?: number } {
  const keep = parseInteger(options.keep, '--keep', 1);
  const keepDays = parseInteger(options.keepDays, '--keep-days', 0);
  return {
    ...(options.backupDir ? { backupDir: options.backupDir } : {}),
    ...(keep !== undefined ? { keep } : {}),
    ...(keepDays !== undefined ? { keepDays } : {}),
  };
}

function formatBytes(bytes: number): string {
  return bytes > 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
