import type { Command } from 'commander';
import {
  addCommonOptions,
  createRunner,
  openCliWorkspace,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { paint, printJson } from '../output.js';
import { confirmProtected } from '../confirm.js';
import { OgelError } from '../../errors.js';
import type { Workspace } from '../../environments/workspace.js';

export function registerBaseline(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('baseline'))
    .description('record migrations that already ran by hand as applied, without running them')
    .option('--to <version>', 'record every pending migration up to this version')
    .option('--introspect', "instead, check each pending migration's objects against the live catalogs")
    .option(
      '--apply-plan',
      'with --introspect: record the fully applied ones (partial ones are reported, never recorded)',
    )
    .option('-y, --yes', 'confirm changes to a protected environment')
    .action(
      async (options: CommonOptions & { to?: string; introspect?: boolean; applyPlan?: boolean; yes?: boolean }) => {
        if (options.introspect === (options.to !== undefined))
          throw new OgelError('USAGE', 'Give either --to <version> or --introspect');
        if (options.applyPlan && !options.introspect)
          throw new OgelError('USAGE', '--apply-plan goes with --introspect');
        const workspace = await openCliWorkspace(options, ctx);
        if (options.introspect) return introspect(workspace, ctx, options);
        await confirmProtected(
          workspace,
          ctx,
          options.yes,
          `Record migrations up to ${options.to} as applied without running them?`,
        );
        const result = await workspace.runner.baseline({ to: options.to! });
        if (options.json) return printJson(ctx.output, result);
        const versions = result.baselined.map((b) => b.version).join(', ');
        ctx.output.out(
          result.baselined.length === 0
            ? 'Nothing to baseline.'
            : `Baselined ${result.baselined.length} migration(s): ${versions}`,
        );
      },
    );
}

async function introspect(
  workspace: Workspace,
  ctx: CliContext,
  options: CommonOptions & { applyPlan?: boolean; yes?: boolean },
): Promise<void> {
  if (options.applyPlan)
    await confirmProtected(workspace, ctx, options.yes, 'Record the migrations found applied as baseline rows?');
  const result = await workspace.runner.baselineIntrospect({ applyPlan: options.applyPlan });
  if (result.results.some((r) => r.state === 'partial' || r.state === 'unknown')) ctx.exitCode = 1;
  if (options.json) return printJson(ctx.output, result);
  const colour = { applied: 'green', partial: 'red', 'not-applied': 'yellow', unknown: 'magenta' } as const;
  for (const r of result.results) {
    ctx.output.out(`${r.version}_${r.name}  ${paint(ctx.output, colour[r.state], r.state)}`);
    if (r.state === 'partial')
      ctx.output.out(`    missing: ${r.missing.join(', ')}\n    present: ${r.present.join(', ')}`);
    if (r.note) ctx.output.out(`    ${r.note}`);
  }
  if (options.applyPlan)
    ctx.output.out(
      result.baselined.length ? `Recorded as baseline: ${result.baselined.join(', ')}` : 'Nothing recorded.',
    );
  else
    ctx.output.out(
      'Dry run: add --apply-plan to record the applied ones. Partial ones need a human: finish or undo them, then re-run.',
    );
}

export function registerRepair(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('repair'))
    .description('after a manual fix: forget failed runs, accept changed checksums')
    .option('--mark-applied <version...>', 'record these failed migrations as applied (you completed them by hand)')
    .option('--remove-missing', 'forget applied versions that have no file')
    .option('-y, --yes', 'confirm changes to a protected environment')
    .action(async (options: CommonOptions & { markApplied?: string[]; removeMissing?: boolean; yes?: boolean }) => {
      const workspace = await openCliWorkspace(options, ctx);
      await confirmProtected(workspace, ctx, options.yes, 'Repair its tracking table?');
      const result = await workspace.runner.repair({
        markApplied: options.markApplied,
        removeMissing: options.removeMissing,
      });
      if (options.json) return printJson(ctx.output, result);
      const parts = [
        ['removed failed', result.removedFailed],
        ['marked applied', result.markedApplied],
        ['realigned checksum', result.realigned],
        ['removed missing', result.removedMissing],
      ] as const;
      const done = parts.filter(([, v]) => v.length > 0).map(([label, v]) => `${label}: ${v.join(', ')}`);
      ctx.output.out(done.length === 0 ? 'Nothing to repair.' : `Repaired — ${done.join('; ')}`);
    });
}

export function registerValidate(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('validate'))
    .description('check file names, SQL syntax, transaction rules and applied checksums')
    .option('--offline', 'check the files only, without a database')
    .action(async (options: CommonOptions & { offline?: boolean }) => {
      const result = await (await createRunner(options, ctx)).validate({ offline: options.offline });
      if (!result.ok) ctx.exitCode = 1;
      if (options.json) return printJson(ctx.output, result);
      if (result.ok)
        return ctx.output.out(`${paint(ctx.output, 'green', 'OK')}: ${result.migrations} migration(s) valid.`);
      ctx.output.out(
        [
          `${paint(ctx.output, 'red', `${result.problems.length} problem(s)`)}:`,
          ...result.problems.map((p) => `  [${p.code}] ${p.message}`),
        ].join('\n'),
      );
    });
}

export function registerHistory(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('history'))
    .description('show the event log, newest first')
    .option('--limit <n>', 'how many events (default 50)')
    .option('--before <id>', 'only events older than this id (pagination)')
    .action(async (options: CommonOptions & { limit?: string; before?: string }) => {
      const events = await (
        await createRunner(options, ctx)
      ).history({
        limit: parseInteger(options.limit, '--limit', 1),
        before: parseInteger(options.before, '--before', 1),
      });
      if (options.json) return printJson(ctx.output, events);
      if (events.length === 0) return ctx.output.out('No events.');
      for (const e of events) {
        const outcome = paint(ctx.output, e.outcome === 'success' ? 'green' : 'red', e.outcome);
        const what = e.version ? `${e.version}_${e.name}` : '';
        ctx.output.out(
          `#${e.id} ${e.occurredAt} ${e.event} ${what} ${outcome}${e.durationMs === null ? '' : ` ${e.durationMs} ms`} by ${e.actor}${e.error ? `\n    ${e.error.split('\n')[0]}` : ''}`,
        );
      }
    });
}
