import type { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findConfigFile } from '../../config/load.js';
import { starterConfig } from '../../config/starter.js';
import { OgelError } from '../../errors.js';
import { addCommonOptions, openCliTarget, type CliContext, type CommonOptions } from '../context.js';
import { printJson } from '../output.js';

export function registerInit(program: Command, ctx: CliContext): void {
  addCommonOptions(program.command('init'))
    .description(
      'write a commented starter config, create the migrations directory and (given a database) the tracking tables',
    )
    .option('--format <format>', 'config file format: mjs (commented), ts or json', 'mjs')
    .option('--skip-config', 'do not write a config file')
    .action(async (options: CommonOptions & { format: string; skipConfig?: boolean }) => {
      const result: {
        dir: string;
        configFile?: string;
        configKept?: boolean;
        table?: string;
        eventsTable?: string;
      } = {
        dir: resolve(ctx.cwd, options.dir ?? ctx.env.OGEL_MIGRATE_DIR ?? 'migrations'),
      };
      if (!options.skipConfig) {
        if (!['mjs', 'ts', 'json'].includes(options.format))
          throw new OgelError('USAGE', `--format must be mjs, ts or json (got "${options.format}")`);
        // Run again (after a database that did not answer, say), init keeps the config it finds — never
        // overwrites one — and does what is left: the directory, the tracking tables.
        const existing = await findConfigFile(ctx.cwd);
        if (existing) Object.assign(result, { configFile: existing, configKept: true });
        else {
          result.configFile = join(ctx.cwd, `ogel-migrate.config.${options.format}`);
          await writeFile(result.configFile, starterConfig(options.format as 'mjs' | 'ts' | 'json'), { flag: 'wx' });
        }
      }
      await mkdir(result.dir, { recursive: true });
      if (options.databaseUrl ?? ctx.env.DATABASE_URL) {
        // The config was just written: the tracking tables go where it (and the flags) say.
        const target = await openCliTarget({ ...options, env: options.env }, ctx);
        Object.assign(result, await target.runner.init());
      }
      if (options.json) return printJson(ctx.output, result);
      if (result.configFile)
        ctx.output.out(`config: ${result.configFile}${result.configKept ? ' (already there, kept)' : ''}`);
      ctx.output.out(`migrations directory: ${result.dir}`);
      if (result.table) ctx.output.out(`tracking tables ready: ${result.table}, ${result.eventsTable}`);
      else ctx.output.out('no database URL given: the tracking tables are created on the first migrate');
    });
}
