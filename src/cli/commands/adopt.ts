import type { Command } from 'commander';
import { adoptDirectory } from '../../adopt/adopt.js';
import { detectToolLayout } from '../../adopt/detect.js';
import { importProject } from '../../import/import.js';
import { printImport } from './import.js';
import { formatAdoptReport } from '../../adopt/report.js';
import { OgelError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAdopt(program: Command, ctx: CliContext): void {
  program
    .command('adopt <legacy-dir>')
    .description(
      'turn an existing, messy migrations directory into a clean one, with a report of every file and problem',
    )
    .requiredOption('--out <dir>', 'where to write the clean migrations directory')
    .option('--aside <file>', 'move this file aside (e.g. a production-only seed); repeatable', collect)
    .option('--include <file>', 'adopt this file although it is marked DO NOT APPLY; repeatable', collect)
    .option('--pair <rollback=up>', 'pair a rollback file with the migration it reverses; repeatable', collect)
    .option('--renumber', 'renumber 001, 002, … (a mapping is in the report) instead of 006, 006.1, …')
    .option('--force', 'write into a non-empty --out directory')
    .option('--legacy', "adopt it as a hand-kept directory even if it is another tool's layout")
    .option('--json', 'print the report as JSON')
    .action(
      async (
        legacyDir: string,
        options: {
          out: string;
          aside?: string[];
          include?: string[];
          pair?: string[];
          renumber?: boolean;
          force?: boolean;
          legacy?: boolean;
          json?: boolean;
        },
      ) => {
        const tool = options.legacy ? null : await detectToolLayout(legacyDir);
        if (tool) {
          const result = await importProject(tool.id, legacyDir, options.out, { force: options.force === true });
          if (!options.json)
            ctx.output.out(
              `${legacyDir} is a ${tool.title} layout: imported as \`ogel-migrate import --from ${tool.id}\` does (--legacy to adopt it as hand-kept files).\n`,
            );
          return printImport(ctx, { ...result, detected: tool.id }, options.json === true, options.out);
        }
        const pairs: Record<string, string> = {};
        for (const pair of options.pair ?? []) {
          const [rollback, up] = pair.split('=');
          if (!rollback || !up)
            throw new OgelError(
              'USAGE',
              `--pair must look like rollback-006.sql=006_add_audit_log.sql (got "${pair}")`,
            );
          pairs[rollback] = up;
        }
        const result = await adoptDirectory(legacyDir, options.out, {
          ...(options.aside ? { aside: options.aside } : {}),
          ...(options.include ? { include: options.include } : {}),
          pairs,
          renumber: options.renumber,
          force: options.force,
        });
        // Files are written either way; errors (secrets, unparseable files, unpaired rollbacks) need a human.
        if (result.problems.some((p) => p.severity === 'error')) ctx.exitCode = 1;
        if (options.json)
          return printJson(ctx.output, {
            from: result.from,
            out: result.out,
            entries: result.entries.map(({ content: _c, ...e }) => e),
            problems: result.problems,
          });
        ctx.output.out(formatAdoptReport(result, 'text'));
        ctx.output.out(
          `\nReport written to ${result.out}/ADOPTION.md. Next: ogel-migrate validate --dir ${options.out}, then baseline --introspect.`,
        );
      },
    );
}
