import type { Command } from 'commander';
import { shortChecksum } from '../../core/checksum.js';
import { compareDatabases, type EnvironmentDiff } from '../../environments/compare.js';
import { openTarget, openTargetForUrl } from '../../app/target.js';
import { describeUrl, validateDatabaseUrl } from '../../db/url.js';
import {
  addCommonOptions,
  claimInterrupts,
  openCliTarget,
  overridesFrom,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { paint, printJson } from '../output.js';
import { formatTable } from '../table.js';

export function registerDrift(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('drift'))
    .description("compare the database's real schema with what its applied migrations produce; exit 1 on drift")
    .option(
      '--embedded',
      'replay the migrations on a private embedded PostgreSQL instead of a scratch database on the same server',
    )
    .action(async (options: CommonOptions & { embedded?: boolean }) => {
      const { runner } = await openCliTarget(options, ctx);
      // Ctrl-C: stop the replay and drop its scratch database before exiting.
      const report = await runner.drift({ embedded: options.embedded, signal: claimInterrupts(ctx) });
      if (report.drifted) ctx.exitCode = 1;
      if (options.json) return printJson(ctx.output, report);
      const lines = report.drifted
        ? [
            paint(
              ctx.output,
              'red',
              `Drift: ${report.differences.length} difference(s) from the schema migrations up to ${report.version ?? '(none)'} produce:`,
            ),
            ...report.differences.map((d) => `  ${d.description}`),
          ]
        : [paint(ctx.output, 'green', `No drift: the schema matches migrations up to ${report.version ?? '(none)'}.`)];
      for (const caveat of report.caveats) lines.push(paint(ctx.output, 'yellow', `  note: ${caveat}`));
      ctx.output.out(lines.join('\n'));
    });
}

export function registerDiff(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('diff <left> <right>'))
    .description('compare two environments (names from the config) or database URLs: migrations and schema')
    .action(async (leftName: string, rightName: string, options: CommonOptions) => {
      const here = await openCliTarget(options, ctx, { database: 'optional' });
      const { databaseUrl: _url, ...overrides } = overridesFrom(options);
      const side = (name: string) => {
        if (/^postgres(ql)?:\/\//.test(name)) {
          validateDatabaseUrl(name);
          return { label: describeUrl(name), runner: openTargetForUrl(here, name).runner };
        }
        const target = openTarget(here.loaded, name, overrides, { ...here.context, database: 'required' });
        return { label: name, runner: target.runner };
      };
      const diff = await compareDatabases(side(leftName), side(rightName));
      if (!diff.same) ctx.exitCode = 1;
      if (options.json) return printJson(ctx.output, diff);
      ctx.output.out(formatDiff(ctx, diff));
    });
}

function formatDiff(ctx: CliContext, diff: EnvironmentDiff): string {
  if (diff.same)
    return paint(ctx.output, 'green', `${diff.left} and ${diff.right} have the same migrations and schema.`);
  const lines: string[] = [];
  if (diff.migrations.length > 0) {
    const cell = (s: { status: string; checksum: string } | null) =>
      s ? `${s.status} ${shortChecksum(s.checksum)}` : '—';
    const rows = diff.migrations.map((m) => [
      `${m.version}_${m.name}`,
      cell(m.left),
      cell(m.right),
      m.reason === 'checksum' ? 'different checksum' : '',
    ]);
    lines.push('Migrations:', ...formatTable(rows, { header: ['MIGRATION', diff.left, diff.right, ''], indent: '  ' }));
  }
  if (diff.schema.length > 0) {
    lines.push(`Schema (${diff.left} → ${diff.right}):`);
    for (const d of diff.schema) {
      if (d.kind === 'removed') lines.push(paint(ctx.output, 'red', `  - ${d.identity}  only in ${diff.left}`));
      else if (d.kind === 'added') lines.push(paint(ctx.output, 'green', `  + ${d.identity}  only in ${diff.right}`));
      else
        lines.push(
          paint(
            ctx.output,
            'yellow',
            `  ~ ${d.identity}: ${d.attribute} ${JSON.stringify(d.before)} | ${JSON.stringify(d.after)}`,
          ),
        );
    }
  }
  return lines.join('\n');
}
