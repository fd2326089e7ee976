import type { Command } from 'commander';
import { importProject, type ImportResult } from '../../import/import.js';
import { formatImportReport } from '../../import/report.js';
import { PEER_TOOLS } from '../../import/tools.js';
import { OgelError } from '../../errors.js';
import { baselineTarget } from '../../app/operations.js';
import { cliPrincipal, openCliTarget, type CliContext } from '../context.js';
import { confirmPlan } from '../confirm.js';
import { printJson } from '../output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import <src>')
    .description(
      'switch from another tool: its migrations in this layout (bytes unchanged) and, with a database, its history',
    )
    .requiredOption('--from <tool>', `the tool SRC was written for: ${PEER_TOOLS.map((t) => t.id).join(', ')}`)
    .requiredOption('--out <dir>', 'where to write the migrations directory')
    .option(
      '--database-url <url>',
      "take over the tool's history on this database: record what it applied as baseline (env:NAME reads the URL from $NAME, keeping the password out of argv)",
    )
    .option('--schema <name>', 'schema of our tracking tables (default: platform)')
    .option('--table <name>', 'our tracking table (default: schema_migrations)')
    .option('--env <name>', 'take over the history of this environment from the config file (its rules apply)')
    .option('--config <file>', 'config file (default: ogel-migrate.config.{json,js,mjs,ts} found walking up from here)')
    .option('-y, --yes', 'confirm recording the history on a protected environment')
    .option('--placeholder <name=value>', 'a Flyway ${placeholder} value; repeatable', collect)
    .option('--force', 'write into a non-empty --out directory')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        src: string,
        options: {
          from: string;
          out: string;
          databaseUrl?: string;
          schema?: string;
          table?: string;
          placeholder?: string[];
          force?: boolean;
          json?: boolean;
          env?: string;
          config?: string;
          yes?: boolean;
        },
      ) => {
        const placeholders: Record<string, string> = {};
        for (const entry of options.placeholder ?? []) {
          const at = entry.indexOf('=');
          if (at < 1) throw new OgelError('USAGE', `--placeholder must look like schema=app (got "${entry}")`);
          placeholders[entry.slice(0, at)] = entry.slice(at + 1);
        }
        // The database whose history is taken over is a target like any other: a URL that is prod's keeps prod's
        // rules, and recording baselines there is the guarded baseline (confirmation on a protected environment).
        const takeover = options.databaseUrl !== undefined || options.env !== undefined;
        const target = takeover
          ? await openCliTarget(
              { ...options, databaseUrl: resolveUrl(options.databaseUrl, ctx.env), dir: options.out },
              ctx,
              { clientName: 'cli:import' },
            )
          : undefined;
        const principal = cliPrincipal();
        const result = await importProject(options.from, src, options.out, {
          placeholders,
          ...(target ? { databaseUrl: target.runnerOptions.databaseUrl! } : {}),
          ...(target
            ? {
                baseline: async (request: { versions: string[]; details: Record<string, unknown> }) => {
                  const plan = await baselineTarget(target, { ...request, dryRun: true }, principal);
                  const question = `Record ${plan.baselined.length} migration(s) the other tool applied as baselines?`;
                  const planned = { planId: plan.planId, planned: plan.baselined.length };
                  const confirmation = await confirmPlan(target, ctx, options, planned, question);
                  return baselineTarget(target, { ...request, ...confirmation }, principal);
                },
              }
            : {}),
          ...(options.force ? { force: true } : {}),
        });
        printImport(ctx, result, options.json === true, options.out);
      },
    );
}

/** `env:NAME` names the variable holding the URL, as the config file's secrets do. */
function resolveUrl(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (value === undefined || !value.startsWith('env:')) return value;
  const name = value.slice('env:'.length);
  const url = env[name];
  if (!url) throw new OgelError('USAGE', `--database-url ${value}: $${name} is not set`);
  return url;
}

/** Prints an import's result; anything a human must decide makes the exit status 1 (the files are written). */
export function printImport(ctx: CliContext, result: ImportResult, json: boolean, out: string): void {
  if (result.problems.some((p) => p.severity === 'error')) ctx.exitCode = 1;
  if (json) return printJson(ctx.output, result);
  ctx.output.out(formatImportReport(result, 'text'));
  ctx.output.out(
    `\nReport written to ${result.out}/IMPORT.md. Next: ogel-migrate validate --dir ${out}` +
      (result.takeover
        ? `, then ogel-migrate status --dir ${out}.`
        : ', then import again with --database-url to take over its history.'),
  );
}
