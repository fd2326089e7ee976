import type { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { migrationSlug, nextVersion } from '../../core/new-migration.js';
import { OgelError } from '../../errors.js';
import { FileMigrationSource } from '../../source/file-source.js';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';

export function registerNew(program: Command, ctx: CliContext): void {
  program
    .command('new <name>')
    .description('create the next NNN_name.sql and NNN_name.down.sql')
    .option('--dir <dir>', 'migrations directory')
    .option('--timestamp', 'use a YYYYMMDDHHMMSS version instead of the next number')
    .option('--no-down', 'do not create a .down.sql file')
    .option('--json', 'print the created paths as JSON')
    .action(async (name: string, options: { dir?: string; timestamp?: boolean; down: boolean; json?: boolean }) => {
      let slug: string;
      try {
        slug = migrationSlug(name);
      } catch (error) {
        throw new OgelError('USAGE', (error as Error).message);
      }
      const dir = resolve(ctx.cwd, options.dir ?? ctx.env.OGEL_MIGRATE_DIR ?? 'migrations');
      await mkdir(dir, { recursive: true });
      const set = await new FileMigrationSource(dir).load();
      const version = nextVersion(
        set.migrations.map((m) => m.version),
        new Date(),
        options.timestamp ? 'timestamp' : undefined,
      );
      const up = join(dir, `${version}_${slug}.sql`);
      const files = [up];
      await writeFile(
        up,
        `-- ${name}\n-- Runs in one transaction with its tracking row. Add \`-- ogel:no-transaction\` as the first line for CREATE INDEX CONCURRENTLY.\n\n`,
        { flag: 'wx' },
      );
      if (options.down) {
        const down = join(dir, `${version}_${slug}.down.sql`);
        await writeFile(
          down,
          `-- Reverts ${version}_${slug}.sql: after it runs, the schema must equal the one before the up ran (\`ogel-migrate verify\` checks).\n\n`,
          { flag: 'wx' },
        );
        files.push(down);
      }
      if (options.json) printJson(ctx.output, { version, files });
      else ctx.output.out(files.map((f) => `created ${f}`).join('\n'));
    });
}
