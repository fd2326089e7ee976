import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { OgelError } from '../../errors.js';
import { openFleet, type Fleet } from '../../fleet/fleet.js';
import {
  fleetMigrate,
  fleetRollback,
  fleetStatus,
  reviewFleetPlan,
  type FleetHooks,
  type FleetMigrateRequest,
  type FleetRollbackRequest,
} from '../../fleet/operations.js';
import type { Principal } from '../../app/access.js';
import { fleetVerify } from '../../fleet/verify.js';
import type { FleetReport } from '../../fleet/report.js';
import { stopReason } from '../../db/interrupted.js';
import {
  claimInterrupts,
  cliPrincipal,
  overridesFrom,
  parseInteger,
  type CliContext,
  type CommonOptions,
} from '../context.js';
import { signalExitCode } from '../interrupt.js';
import { fleetProgress, formatFleetReport, formatFleetVerify } from '../format-fleet.js';
import { printJson } from '../output.js';
import { flushStderr } from '../stderr-batch.js';
import { CHECK_FAILED_EXIT } from './status.js';

/** The common flags of database commands (but `--env`: a fleet is not an environment), and the fleet's own. */
interface FleetOptions extends Omit<CommonOptions, 'env'> {
  fleet?: string;
  targets?: string;
  schemas?: string;
  concurrency?: string;
  only?: string[];
  except?: string[];
  placeholder?: string[];
}

interface RolloutOptions extends FleetOptions {
  to?: string;
  steps?: string;
  dryRun?: boolean;
  canary?: string;
  stopAfterFailures?: string;
  yes?: boolean;
  plan?: string;
  forcePromotion?: string;
  backup?: boolean;
  outOfOrder?: boolean;
  ignoreMissing?: boolean;
}

/** `--only a,b --only c`: every value, split on commas. */
const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

function fleetOptions(command: Command): Command {
  return command
    .option('--fleet <name>', 'a fleet from the config file (default: its only fleet)')
    .option('--targets <file>', 'a file of target URLs, one per line (`NAME URL` to name one): no config needed')
    .option('--schemas <list>', 'schema per tenant: these schemas of --database-url (comma-separated)')
    .option('--database-url <url>', 'the database of --schemas')
    .option('--dir <dir>', 'migrations directory')
    .option('--json', 'print one JSON object instead of text')
    .option('--schema <name>', 'schema of the tracking tables in each database (default: platform)')
    .option('--table <name>', 'tracking table (default: schema_migrations)')
    .option('--lock-timeout <ms>', 'lock_timeout for each migration statement (default: 5000)')
    .option('--statement-timeout <ms>', "statement_timeout for each statement, 0 = none (default: the server's)")
    .option('--lock-wait <ms>', 'how long a target another run holds is come back to (default: 60000)')
    .option('--ignore <glob...>', 'file names to ignore (default: test_*.sql)')
    .option('--config <file>', 'config file (default: ogel-migrate.config.json found walking up from here)')
    .option('--concurrency <n>', "targets at once, one connection each (default: the fleet's, else 4)")
    .option('--only <names>', 'only these targets (names or globs, comma-separated, repeatable)', collect)
    .option('--except <names>', 'leave out these targets (names or globs)', collect)
    .option('--placeholder <name=value>', 'a ${name} value for every target (repeatable)', collect);
}

function rolloutOptions(command: Command, verb: string): Command {
  return fleetOptions(command)
    .option('--dry-run', `plan every target and change nothing`)
    .option('--canary <k>', `${verb} the first K targets first; stop if any of them fails`)
    .option('--stop-after-failures <k>', 'start no more targets after K failed or unreachable ones')
    .option('-y, --yes', 'confirm the fleet plan for a protected fleet')
    .option('--plan <id>', 'run only if the fleet plan is still this one (from `fleet plan`)')
    .option('--no-backup', "skip each target's backup the fleet's backupPolicy would take")
    .option('--backup-dir <dir>', 'where those backups go');
}

/** `fleet status | plan | migrate | verify | rollback`: one migration set over many databases or schemas. */
export function registerFleet(program: Command, ctx: CliContext): void {
  const fleet = program
    .command('fleet')
    .description('one migration set over many tenant databases or schemas (status, plan, migrate, verify, rollback)');

  fleetOptions(fleet.command('status'))
    .description("every target's state: up to date, behind, failed, unreachable")
    .option('--check', `exit ${CHECK_FAILED_EXIT} when any target is not up to date`)
    .action(async (options: FleetOptions & { check?: boolean }) => {
      const report = await fleetStatus(await open(options, ctx), request(options), cliPrincipal(), hooks(options, ctx));
      render(ctx, options, report);
      if (report.counts.unreachable > 0) ctx.exitCode = 1;
      else if (options.check && report.counts['up-to-date'] !== report.targets.length) ctx.exitCode = CHECK_FAILED_EXIT;
    });

  fleetOptions(fleet.command('plan'))
    .description('what migrate would apply to each target, the fleet plan id and the rules (changes nothing)')
    .option('--to <version>', 'stop after this version')
    .action(async (options: RolloutOptions) => {
      const report = await fleetMigrate(
        await open(options, ctx),
        { ...migrateRequest(options), dryRun: true },
        cliPrincipal(),
        hooks(options, ctx),
      );
      render(ctx, options, report);
      // A target that would refuse, or cannot be asked, makes the plan one that cannot be carried out.
      if (report.counts.failed + report.counts.unreachable > 0) ctx.exitCode = 1;
    });

  rolloutOptions(fleet.command('migrate'), 'migrate')
    .description('apply pending migrations to every target: canaries first, N at once, resumable')
    .option('--to <version>', 'stop after this version')
    .option('--out-of-order', 'allow pending versions lower than the current one')
    .option('--ignore-missing', 'proceed although applied versions have no file')
    .option('--force-promotion <reason>', "apply although the fleet's upstream environment has not (reason is logged)")
    .action(async (options: RolloutOptions) => {
      await rolloutCommand(ctx, options, 'migrate', migrateRequest(options), fleetMigrate);
    });

  rolloutOptions(fleet.command('rollback'), 'revert on')
    .description('revert on every target: the newest (--steps N) or everything above --to V')
    .option('--steps <n>', 'how many migrations to revert on each target (default 1)')
    .option('--to <version>', 'revert everything above this version (0 = all)')
    .action(async (options: RolloutOptions) => {
      if (options.steps !== undefined && options.to !== undefined)
        throw new OgelError('USAGE', 'Give either --steps or --to, not both');
      await rolloutCommand(ctx, options, 'rollback', rollbackRequest(options), fleetRollback);
    });

  fleetOptions(fleet.command('verify'))
    .description("rollback test of the fleet's migrations on a scratch database of each server its targets use")
    .option('--embedded', 'test once on a private embedded PostgreSQL instead')
    .option('--require-down', 'fail when a migration has no down file')
    .action(async (options: FleetOptions & { embedded?: boolean; requireDown?: boolean }) => {
      // Ctrl-C / SIGTERM: the running checks stop and their scratch databases are dropped.
      const signal = claimInterrupts(ctx);
      const report = await fleetVerify(
        await open(options, ctx),
        {
          ...request(options),
          ...(options.embedded ? { embedded: true } : {}),
          ...(options.requireDown ? { requireDown: true } : {}),
          signal,
        },
        cliPrincipal(),
      );
      if (options.json) printJson(ctx.output, report);
      else ctx.output.out(formatFleetVerify(ctx.output, report));
      if (!report.ok) ctx.exitCode = signal.aborted ? signalExitCode(stopReason(signal)) : 1;
    });
}

async function open(options: FleetOptions, ctx: CliContext): Promise<Fleet> {
  const loaded = await loadConfig(ctx.cwd, options.config ?? ctx.env.OGEL_MIGRATE_CONFIG);
  const placeholders: Record<string, string> = {};
  for (const entry of options.placeholder ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(entry);
    if (!match) throw new OgelError('USAGE', `--placeholder must be name=value (got "${entry}")`);
    placeholders[match[1]!] = match[2]!;
  }
  return openFleet(
    loaded,
    options.fleet,
    {
      ...overridesFrom(options),
      ...(options.targets !== undefined ? { targetsFile: options.targets } : {}),
      ...(options.schemas !== undefined ? { schemas: collect(options.schemas) } : {}),
      concurrency: parseInteger(options.concurrency, '--concurrency', 1),
      ...(Object.keys(placeholders).length > 0 ? { placeholders } : {}),
    },
    { env: ctx.env, cwd: ctx.cwd, clientName: 'cli', database: 'required' },
  );
}

function request(options: FleetOptions) {
  return {
    ...(options.only ? { only: options.only } : {}),
    ...(options.except ? { except: options.except } : {}),
  };
}

function rollout(options: RolloutOptions) {
  const canary = parseInteger(options.canary, '--canary');
  const stop = parseInteger(options.stopAfterFailures, '--stop-after-failures', 1);
  return {
    ...request(options),
    ...(canary !== undefined ? { canary } : {}),
    ...(stop !== undefined ? { stopAfterFailures: stop } : {}),
    ...(options.backup === false ? { skipBackup: true } : {}),
  };
}

function migrateRequest(options: RolloutOptions): FleetMigrateRequest {
  return {
    ...rollout(options),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.outOfOrder ? { outOfOrder: true } : {}),
    ...(options.ignoreMissing ? { ignoreMissing: true } : {}),
    ...(options.forcePromotion !== undefined ? { forceReason: options.forcePromotion } : {}),
  };
}

function rollbackRequest(options: RolloutOptions): FleetRollbackRequest {
  const steps = parseInteger(options.steps, '--steps', 1);
  return {
    ...rollout(options),
    ...(steps !== undefined ? { steps } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
  };
}

/**
 * A protected fleet changes only with a confirmation bound to its fleet plan id: `--yes` confirms the plan as
 * it is now (or the `--plan` reviewed earlier); on a terminal the fleet's name is typed back. Unprotected, a
 * `--plan` still holds the run to that plan.
 */
async function confirm(
  fleet: Fleet,
  operation: 'migrate' | 'rollback',
  base: FleetMigrateRequest & FleetRollbackRequest,
  options: RolloutOptions,
  ctx: CliContext,
): Promise<{ confirm?: string; plan?: string }> {
  if (!fleet.protected) return options.plan ? { plan: options.plan } : {};
  const plan = await reviewFleetPlan(fleet, operation, base, cliPrincipal());
  const bound = { plan: options.plan ?? plan.planId };
  if (options.yes) return { confirm: fleet.name, ...bound };
  // As for an environment: a fleet plan id from `fleet plan --json` confirms that plan; a moved one is refused.
  if (!ctx.interactive) return options.plan ? { confirm: fleet.name, ...bound } : {};
  flushStderr(); // the prompt follows what was printed before it
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `Fleet ${fleet.name} is protected: ${operation} on ${plan.targets.length} target(s), plan ${plan.planId}. ` +
        `Type "${fleet.name}" to confirm: `,
    );
    if (answer.trim() !== fleet.name) {
      throw new OgelError('CONFIRMATION_REQUIRED', 'Not confirmed. Nothing was changed.', { fleet: fleet.name });
    }
    return { confirm: fleet.name, ...bound };
  } finally {
    rl.close();
  }
}

/**
 * `fleet migrate` and `fleet rollback` after their own flags: a dry run plans every target; otherwise the
 * confirmation (bound to the fleet plan), then the run under Ctrl-C / SIGTERM (which cancels the running
 * targets' statements) and its report.
 */
async function rolloutCommand<R extends FleetMigrateRequest | FleetRollbackRequest>(
  ctx: CliContext,
  options: RolloutOptions,
  operation: 'migrate' | 'rollback',
  base: R,
  run: (fleet: Fleet, request: R, principal: Principal, hooks: FleetHooks) => Promise<FleetReport>,
): Promise<void> {
  const target = await open(options, ctx);
  if (options.dryRun)
    return finish(ctx, options, await run(target, { ...base, dryRun: true }, cliPrincipal(), hooks(options, ctx)));
  Object.assign(base, await confirm(target, operation, base, options, ctx));
  const signal = claimInterrupts(ctx);
  finish(ctx, options, await run(target, { ...base, signal }, cliPrincipal(), hooks(options, ctx)), signal);
}

function hooks(options: FleetOptions, ctx: CliContext) {
  return options.json ? {} : { onProgress: fleetProgress(ctx.output) };
}

function render(ctx: CliContext, options: FleetOptions, report: FleetReport): void {
  if (options.json) printJson(ctx.output, report);
  else ctx.output.out(formatFleetReport(ctx.output, report));
}

/**
 * A rollout's exit status: 1 when any target failed, was unreachable or was not reached; 130 / 143 when a
 * signal stopped it (the report, printed first, says which targets it left where).
 */
function finish(ctx: CliContext, options: FleetOptions, report: FleetReport, signal?: AbortSignal): void {
  render(ctx, options, report);
  if (signal?.aborted) ctx.exitCode = signalExitCode(stopReason(signal));
  else if (!report.ok && !report.dryRun) ctx.exitCode = 1;
}
