import type { Command } from 'commander';
import { describeHolder, type LockHolder } from '../../db/advisory-lock.js';
import type { RestoreProgress } from '../../backups/restore.js';
import { backupsOf } from '../../app/backups-of.js';
import { planRestore, restoreTarget, whyRestoreAsks, type RestoreRequest } from '../../app/restore.js';
import {
  addCommonOptions,
  claimInterrupts,
  cliPrincipal,
  openCliTarget,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { confirmPlan } from '../confirm.js';
import { paint, printJson, type Output } from '../output.js';

interface BackupFlags extends CommonOptions {
  backupDir?: string;
  keep?: string;
  keepDays?: string;
  all?: boolean;
}

const STORE_HELP =
  'backup store: a folder or s3://bucket/prefix (default ./backups, $OGEL_MIGRATE_BACKUP_DIR, config backupDir)';

export function registerBackups(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('backup'))
    .description(
      'take a logical backup (pg_dump -Fc under the migration lock) into the backup store, with its manifest',
    )
    .option('--backup-dir <store>', STORE_HELP)
    .option('--keep <n>', 'retention: keep the newest N backups')
    .option('--keep-days <d>', 'retention: delete backups older than D days')
    .action(async (options: BackupFlags) => {
      const workspace = await openCliTarget(options, ctx);
      const service = backupsOf(workspace, flags(options));
      const backup = await service.create({
        onLockWait: (holder) => ctx.output.err(waiting(ctx.output, holder)),
        // Ctrl-C / SIGTERM ends pg_dump and removes the unfinished dump: the store keeps only whole backups.
        signal: claimInterrupts(ctx),
      });
      if (options.json) return printJson(ctx.output, backup);
      ctx.output.out(
        `${paint(ctx.output, 'green', 'Backup')} ${backup.id}: version ${backup.version ?? '(none)'}, ${formatBytes(backup.sizeBytes)} in ${backup.durationMs} ms → ${backup.path}`,
      );
      if (backup.pruned.length > 0) ctx.output.out(`Pruned by retention: ${backup.pruned.join(', ')}`);
    });

  addCommonOptions(program.command('backups'))
    .description('list the backups in the store, newest first (reads the store only: works when the database is gone)')
    .option('--backup-dir <store>', STORE_HELP)
    .option('--all', "every backup in the store, not only this environment's")
    .action(async (options: BackupFlags) => {
      // No database needed: on a machine that has only the store (the database is gone), every backup is listed.
      const workspace = await openCliTarget(options, ctx, { database: 'optional' });
      const service = backupsOf(workspace, flags(options));
      const { backups, problems } = await service.catalog({ all: options.all === true });
      // The same object as GET /backups.
      if (options.json) return printJson(ctx.output, { store: service.store.location, backups, problems });
      for (const problem of problems) ctx.output.err(paint(ctx.output, 'yellow', `warning: ${problem}`));
      if (backups.length === 0) return ctx.output.out(`No backups in ${service.store.location}.`);
      for (const b of backups)
        ctx.output.out(
          `${b.id}  ${b.createdAt}  version ${b.version ?? '—'}  ${formatBytes(b.sizeBytes)}  ${b.env ?? b.database}  ${b.reason}  ${b.path}`,
        );
    });

  addCommonOptions(program.command('restore <id>'))
    .description('restore a backup into a fresh database and switch over only when it is complete and checked')
    .option(
      '--to-database <name|url>',
      'restore into this database (created if it does not exist) instead of the one backed up',
    )
    .option('--jobs <n>', 'parallel pg_restore jobs (reads the dump from a file: a download for S3)')
    .option('--keep-replaced', 'keep the replaced database (renamed <name>__ogel_replaced_…) instead of dropping it')
    .option('--from-environment <name>', "restore another environment's backup over this one (names where it is from)")
    .option('--backup-dir <store>', STORE_HELP)
    .option('-y, --yes', 'confirm replacing an existing database')
    .option('--plan <id>', 'restore only if the restore plan is still this one')
    .action(
      async (
        id: string,
        options: BackupFlags & {
          toDatabase?: string;
          yes?: boolean;
          jobs?: string;
          keepReplaced?: boolean;
          plan?: string;
          fromEnvironment?: string;
        },
      ) => {
        const target = await openCliTarget(options, ctx);
        const principal = cliPrincipal();
        const jobs = parseInteger(options.jobs, '--jobs', 1);
        const progress = options.json ? undefined : progressPrinter(ctx.output);
        const request: RestoreRequest = {
          backupId: id,
          ...(options.toDatabase !== undefined ? { toDatabase: options.toDatabase } : {}),
          ...(options.backupDir ? { backupDir: options.backupDir } : {}),
          ...(jobs ? { jobs } : {}),
          ...(options.keepReplaced ? { keepReplaced: true } : {}),
          ...(options.fromEnvironment ? { fromEnvironment: options.fromEnvironment } : {}),
          ...(progress ? { onProgress: progress.update } : {}),
          onLockWait: (holder) => ctx.output.err(waiting(ctx.output, holder)),
        };
        if (options.toDatabase === undefined) {
          // Restoring over the database replaces it: every environment confirms, bound to this restore plan.
          // A database that is gone is created again: nothing to confirm.
          const plan = await planRestore(target, request, principal);
          if (plan.review.requires !== null) {
            const question = `Replace it with backup ${id} (version ${plan.backup.version ?? '(none)'})?`;
            const replacing = { ...target, protected: true };
            Object.assign(
              request,
              await confirmPlan(
                replacing,
                ctx,
                options,
                {
                  planId: plan.planId,
                  planned: 1,
                  because: whyRestoreAsks(target),
                },
                question,
              ),
            );
          }
        } else if (options.yes) {
          // Into another database: --yes allows replacing it if it exists.
          request.confirm = target.name;
        }
        // Ctrl-C / SIGTERM before the switch ends pg_restore and drops the copy: the target stays as it was.
        request.signal = claimInterrupts(ctx);
        const result = await restoreTarget(target, request, principal).finally(() => progress?.end());
        if (options.json) return printJson(ctx.output, result);
        for (const left of result.cleanedUp)
          ctx.output.err(
            `dropped ${left.name}, left by an interrupted restore${left.backupId ? ` of ${left.backupId}` : ''}${left.startedAt ? ` (${left.startedAt})` : ''}`,
          );
        if (result.terminatedConnections.length > 0)
          ctx.output.err(
            `ended ${result.terminatedConnections.length} other connection(s) to ${result.database}: ${result.terminatedConnections
              .map((c) => `pid ${c.pid} ${c.user ?? ''}${c.applicationName ? ` (${c.applicationName})` : ''}`.trim())
              .join(', ')}`,
          );
        if (result.eventsNote) ctx.output.err(paint(ctx.output, 'yellow', `note: ${result.eventsNote}`));
        if (result.keptReplacedAs) ctx.output.err(`the replaced database is kept as ${result.keptReplacedAs}`);
        ctx.output.out(
          `${paint(ctx.output, 'green', 'Restored')} ${result.id} into ${result.database}: version ${result.version ?? '(none)'}, ` +
            `${result.carriedEvents} later event(s) kept, in ${result.durationMs} ms (first query answered after ${result.rtoMs} ms)`,
        );
      },
    );
}

/**
 * On a terminal, one line rewritten in place; elsewhere (CI logs) a line per phase and per 5 % of the bytes,
 * so a log shows how far a restore got.
 */
function progressPrinter(output: Output): { update(p: RestoreProgress): void; end(): void } {
  let phase = '';
  let step = -1;
  let drawn = false;
  const line = (p: RestoreProgress) => {
    const percent = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
    const objects = `${p.objects}${p.totalObjects !== null ? `/${p.totalObjects}` : ''} objects`;
    return `restore ${p.id}: ${p.phase} ${percent}% (${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}, ${objects})`;
  };
  return {
    update(p) {
      if (output.isTTY && process.stderr.isTTY) {
        // Written straight to the terminal: Output.err would end every update with a new line.
        process.stderr.write(`\r\u001b[2K${line(p)}${p.phase === 'done' ? '\n' : ''}`);
        drawn = p.phase !== 'done';
        return;
      }
      const now = Math.floor((p.bytes / Math.max(1, p.totalBytes)) * 20);
      if (p.phase !== phase || (p.phase === 'restoring' && now > step)) output.err(line(p));
      phase = p.phase;
      step = now;
    },
    end() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

function waiting(output: Output, holder: LockHolder | null): string {
  return paint(output, 'yellow', `waiting for the migration lock held by ${describeHolder(holder)}`);
}

function flags(options: BackupFlags): { backupDir?: string; keep?: number; keepDays?: number } {
  const keep = parseInteger(options.keep, '--keep', 1);
  const keepDays = parseInteger(options.keepDays, '--keep-days', 1);
  return {
    ...(options.backupDir ? { backupDir: options.backupDir } : {}),
    ...(keep !== undefined ? { keep } : {}),
    ...(keepDays !== undefined ? { keepDays } : {}),
  };
}

function formatBytes(bytes: number): string {
  return bytes > 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
