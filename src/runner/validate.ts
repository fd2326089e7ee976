import { migrationLabel } from '../core/file-names.js';
import type { MigrationSet } from '../core/migration.js';
import type { StatusReport } from '../core/status.js';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { prepareScript } from '../sql/prepare-script.js';
import { lazyProcedureIndex } from '../sql/procedural-control.js';
import type { MigrationSource } from '../source/file-source.js';
import type { ValidateResult, ValidationProblem } from './types.js';

/**
 * Checks everything that can be checked without changing anything: file names, SQL syntax and transaction
 * rules of every up and down file, and, given the tracking rows, checksums of applied migrations.
 */
export async function validateMigrations(
  source: MigrationSource,
  readStatus?: (set: MigrationSet) => Promise<StatusReport>,
): Promise<ValidateResult> {
  const problems: ValidationProblem[] = [];
  let set: MigrationSet;
  try {
    set = await source.load();
  } catch (error) {
    if (!(error instanceof OgelError) || error.code !== 'INVALID_MIGRATION_FILES') throw error;
    const fileProblems = (error.details.problems as Array<{ file: string; problem: string }> | undefined) ?? [];
    if (fileProblems.length === 0)
      return { ok: false, migrations: 0, problems: [{ code: error.code, message: error.message }] };
    return {
      ok: false,
      migrations: 0,
      // The message names the file, as the parser's messages do (`file:line:column: …`), for the text output.
      problems: fileProblems.map((p) => ({ code: error.code, file: p.file, message: `${p.file}: ${p.problem}` })),
    };
  }
  await ensureParser();
  const procedures = lazyProcedureIndex([...set.migrations, ...set.repeatables]);
  for (const migration of [...set.migrations, ...set.repeatables]) {
    for (const [file, sql] of [
      [migration.file, migration.upSql],
      [migration.downFile, migration.downSql],
    ] as const) {
      if (file === undefined || sql === undefined) continue;
      try {
        prepareScript(file, sql, undefined, procedures);
      } catch (error) {
        if (!(error instanceof OgelError)) throw error;
        problems.push({ code: error.code, file, version: migration.version, message: error.message });
      }
    }
  }
  if (readStatus) {
    const report = await readStatus(set);
    for (const entry of report.migrations) {
      if (entry.state === 'modified')
        problems.push({
          code: 'CHECKSUM_MISMATCH',
          version: entry.version,
          file: entry.migration?.file,
          message: `${entry.migration?.file} changed since it was applied (recorded ${entry.appliedChecksum}, file ${entry.checksum})`,
        });
      if (entry.state === 'missing')
        problems.push({
          code: 'MISSING_MIGRATION_FILE',
          version: entry.version,
          message: `applied migration ${migrationLabel(entry)} has no file`,
        });
      if (entry.state === 'failed')
        problems.push({
          code: 'FAILED_MIGRATION_PRESENT',
          version: entry.version,
          message: `migration ${migrationLabel(entry)} failed: ${entry.error ?? 'unknown error'}`,
        });
    }
  }
  return { ok: problems.length === 0, migrations: set.migrations.length + set.repeatables.length, problems };
}
