import type { Command } from 'commander';
import {
  addCommonOptions,
  cliPrincipal,
  openCliTarget,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { paint, printJson } from '../output.js';
import { formatTable } from '../table.js';
import { confirmPlan } from '../confirm.js';
import { OgelError } from '../../errors.js';
import { baselineTarget, repairTarget } from '../../app/operations.js';
import { introspectTarget } from '../../app/introspect.js';
import type { Target } from '../../app/target.js';

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
    .option('--plan <id>', 'record only if the plan is still this one')
    .option('--dry-run', 'show what would be recorded, with the plan id')
    .action(
      async (
        options: CommonOptions & {
          to?: string;
          introspect?: boolean;
          applyPlan?: boolean;
          yes?: boolean;
          plan?: string;
          dryRun?: boolean;
        },
      ) => {
        if (Boolean(options.introspect) === (options.to !== undefined))
          throw new OgelError(
            'USAGE',
            'Give either --to <version> (the last version that already ran) or --introspect',
          );
        if (options.applyPlan && !options.introspect)
          throw new OgelError('USAGE', '--apply-plan goes with --introspect');
        const target = await openCliTarget(options, ctx);
        if (options.introspect) return introspect(target, ctx, options);
        const principal = cliPrincipal();
        const plan = await baselineTarget(target, { to: options.to!, dryRun: true }, principal);
        if (options.dryRun) {
          if (options.json) return printJson(ctx.output, plan);
          const versions = plan.baselined.map((b) => b.version).join(', ');
          return ctx.output.out(
            plan.baselined.length === 0
              ? 'Nothing to baseline.'
              : `Would baseline ${plan.baselined.length} migration(s): ${versions}. Plan ${plan.planId}.`,
          );
        }
        const question = `Record ${plan.baselined.map((b) => b.version).join(', ')} as applied without running them?`;
        const confirmation = await confirmPlan(
          target,
          ctx,
          options,
          { planId: plan.planId, planned: plan.baselined.length },
          question,
        );
        const result = await baselineTarget(target, { to: options.to!, ...confirmation }, principal);
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
  target: Target,
  ctx: CliContext,
  options: CommonOptions & { applyPlan?: boolean; yes?: boolean },
): Promise<void> {
  const result = await introspectTarget(
    target,
    { applyPlan: options.applyPlan, ...(options.yes ? { confirm: target.name } : {}) },
    cliPrincipal(),
  );
  if (result.results.some((r) => r.state === 'partial' || r.state === 'unknown')) ctx.exitCode = 1;
  if (options.json) return printJson(ctx.output, result);
  const colour = { applied: 'green', partial: 'red', 'not-applied': 'yellow', unknown: 'magenta' } as const;
  const rows = formatTable(
    result.results.map((r) => [`${r.version}_${r.name}`, r.state]),
    {
      paint: (row, column, cell) => (column === 1 ? paint(ctx.output, colour[result.results[row]!.state], cell) : cell),
    },
  );
  for (const [index, r] of result.results.entries()) {
    ctx.output.out(rows[index]!);
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
    .option('--plan <id>', 'repair only if the plan is still this one')
    .option('--dry-run', 'show what would be changed, with the plan id')
    .action(
      async (
        options: CommonOptions & {
          markApplied?: string[];
          removeMissing?: boolean;
          yes?: boolean;
          plan?: string;
          dryRun?: boolean;
        },
      ) => {
        const target = await openCliTarget(options, ctx);
        const principal = cliPrincipal();
        const request = {
          ...(options.markApplied ? { markApplied: options.markApplied } : {}),
          ...(options.removeMissing ? { removeMissing: true } : {}),
        };
        const plan = await repairTarget(target, { ...request, dryRun: true }, principal);
        if (options.dryRun) {
          if (options.json) return printJson(ctx.output, plan);
          const planned = repairParts(plan);
          return ctx.output.out(
            planned.length === 0 ? 'Nothing to repair.' : `Would repair — ${planned.join('; ')}. Plan ${plan.planId}.`,
          );
        }
        const changes =
          plan.removedFailed.length + plan.markedApplied.length + plan.realigned.length + plan.removedMissing.length;
        const confirmation = await confirmPlan(
          target,
          ctx,
          options,
          { planId: plan.planId, planned: changes },
          'Repair its tracking table?',
        );
        const result = await repairTarget(target, { ...request, ...confirmation }, principal);
        if (options.json) return printJson(ctx.output, result);
        const done = repairParts(result);
        ctx.output.out(done.length === 0 ? 'Nothing to repair.' : `Repaired — ${done.join('; ')}`);
      },
    );
}

/** What a repair changes (or would), one `label: versions` per kind of change. */
function repairParts(result: {
  removedFailed: string[];
  markedApplied: string[];
  realigned: string[];
  removedMissing: string[];
}): string[] {
  const parts = [
    ['removed failed', result.removedFailed],
    ['marked applied', result.markedApplied],
    ['realigned checksum', result.realigned],
    ['removed missing', result.removedMissing],
  ] as const;
  return parts.filter(([, v]) => v.length > 0).map(([label, v]) => `${label}: ${v.join(', ')}`);
}

export function registerValidate(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('validate'))
    .description('check file names, SQL syntax, transaction rules and applied checksums')
    .option('--offline', 'check the files only, without a database')
    .action(async (options: CommonOptions & { offline?: boolean }) => {
      const target = await openCliTarget(options, ctx, { database: options.offline ? 'optional' : 'required' });
      const result = await target.runner.validate({ offline: options.offline });
      // Problems found by validate are in the input (names, SQL, transaction rules, edited files): exit 2.
      if (!result.ok) ctx.exitCode = 2;
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
      const { runner } = await openCliTarget(options, ctx);
      const limit = parseInteger(options.limit, '--limit', 1) ?? 50;
      const events = await runner.history({ limit, before: parseInteger(options.before, '--before', 1) });
      // The same object as GET /history: the events and the cursor of the next page.
      if (options.json)
        return printJson(ctx.output, { events, nextBefore: events.length === limit ? events.at(-1)!.id : null });
      if (events.length === 0) return ctx.output.out('No events.');
      for (const e of events) {
        const outcome = paint(ctx.output, e.outcome === 'success' ? 'green' : 'red', e.outcome);
        // An event may carry a version with no migration name (a restore of a baseline, a repair).
        const what = e.version ? (e.name ? `${e.version}_${e.name}` : e.version) : '';
        ctx.output.out(
          `#${e.id} ${e.occurredAt} ${e.event} ${what} ${outcome}${e.durationMs === null ? '' : ` ${e.durationMs} ms`} by ${e.actor}${e.error ? `\n    ${e.error.split('\n')[0]}` : ''}`,
        );
      }
    });
}
