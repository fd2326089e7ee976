import type { Command } from 'commander';
import { migrationLabel } from '../../core/file-names.js';
import type { VerifyOutcome, VerifyReport } from '../../verify/verify.js';
import {
  addCommonOptions,
  claimInterrupts,
  openCliTarget,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { signalExitCode } from '../interrupt.js';
import { DEFAULT_VERIFY_JOBS } from '../../verify/run-verify.js';
import { paint, printJson, type Colour } from '../output.js';
import { formatTable } from '../table.js';

const COLOUR: Record<VerifyOutcome, Colour> = {
  ok: 'green',
  irreversible: 'yellow',
  'down-does-not-restore': 'red',
  'up-not-repeatable': 'red',
  'up-failed': 'red',
  'down-failed': 'red',
  'not-run': 'gray',
};

interface VerifyOptions extends CommonOptions {
  from?: string;
  schemaFrom?: string;
  embedded?: boolean;
  requireDown?: boolean;
  jobs?: string;
}

export function registerVerify(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('verify'))
    .description('rollback testing on a scratch database: up, down (schema must match), up again (must match)')
    .option('--from <version>', 'start from a database already at this version; test only later migrations')
    .option(
      '--schema-from <url>',
      "clone this database's schema (pg_dump --schema-only) and test its pending migrations",
    )
    .option('--embedded', 'use a private embedded PostgreSQL instead of CREATE DATABASE on the target server')
    .option('--require-down', 'fail when a migration has no down file')
    .option(
      '--jobs <n>',
      `scratch databases testing segments in parallel (default ${DEFAULT_VERIFY_JOBS}; 1 = one connection)`,
    )
    .action(async (options: VerifyOptions) => {
      const { runner } = await openCliTarget(options, ctx, { database: options.embedded ? 'optional' : 'required' });
      // Ctrl-C / SIGTERM: the running statements are cancelled, the partial report printed, the scratch dropped.
      const signal = claimInterrupts(ctx);
      const report = await runner.verify({
        signal,
        ...(options.from ? { from: options.from } : {}),
        ...(options.schemaFrom ? { schemaFrom: options.schemaFrom } : {}),
        embedded: options.embedded,
        requireDown: options.requireDown,
        jobs: parseInteger(options.jobs, '--jobs', 1),
        onProgress: options.json
          ? undefined
          : (r, i, total) =>
              ctx.output.err(
                `${paint(ctx.output, 'gray', `[${i + 1}/${total}]`)} ${migrationLabel(r)}: ${paint(ctx.output, COLOUR[r.outcome], r.outcome)}`,
              ),
      });
      if (!report.ok) ctx.exitCode = report.interrupted ? signalExitCode(report.interrupted) : 1;
      if (options.json) printJson(ctx.output, report);
      else ctx.output.out(formatVerify(ctx, report));
    });
}

export function formatVerify(ctx: CliContext, report: VerifyReport): string {
  const lines = [`Rollback test on ${report.scratch}${report.from ? `, from version ${report.from}` : ''}:`];
  const rows = formatTable(
    report.results.map((r) => [migrationLabel(r), r.outcome, `${r.durationMs} ms`]),
    {
      indent: '  ',
      paint: (row, column, cell) =>
        column === 1 ? paint(ctx.output, COLOUR[report.results[row]!.outcome], cell) : cell,
    },
  );
  for (const [index, r] of report.results.entries()) {
    lines.push(rows[index]!);
    for (const difference of r.differences) lines.push(`      ${difference}`);
    if (r.error && r.outcome !== 'irreversible') lines.push(`      ${r.error.split('\n').join('\n      ')}`);
  }
  const count = (o: VerifyOutcome) => report.results.filter((r) => r.outcome === o).length;
  const failed = report.results.length - count('ok') - count('irreversible') - count('not-run');
  lines.push(
    `${count('ok')} ok, ${count('irreversible')} irreversible, ${failed} failed, ${count('not-run')} not run (${report.durationMs} ms)`,
  );
  if (report.interrupted)
    lines.push(
      paint(
        ctx.output,
        'yellow',
        `Interrupted (${report.interrupted}): the rest was not run; scratch databases dropped.`,
      ),
    );
  return lines.join('\n');
}
