import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addCommonOptions, createRunner, type CliContext, type CommonOptions } from '../context.js';
import { printJson } from '../output.js';

export function registerInit(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('init'))
    .description('create the migrations directory and, given a database, the tracking tables')
    .action(async (options: CommonOptions) => {
      const dir = resolve(ctx.cwd, options.dir ?? ctx.env.OGEL_MIGRATE_DIR ?? 'migrations');
      await mkdir(dir, { recursive: true });
      const result: { dir: string; table?: string; eventsTable?: string } = { dir };
      if (options.databaseUrl ?? ctx.env.DATABASE_URL) Object.assign(result, await (await createRunner(options, ctx)).init());
      if (options.json) return printJson(ctx.output, result);
      ctx.output.out(`migrations directory: ${dir}`);
      if (result.table) ctx.output.out(`tracking tables ready: ${result.table}, ${result.eventsTable}`);
      else ctx.output.out('no database URL given: the tracking tables are created on the first migrate');
    });
}
