import type { LintRule } from '../types.js';

/** Findings about the migration as a whole point at the file's first line. */
const AT_FILE_START = { line: 1, column: 1 };

export const missingDown: LintRule = {
  id: 'missing-down',
  severity: 'warning',
  description: 'The migration has no down file, so `rollback` cannot undo it.',
  check(target) {
    if (target.input.hasDown) return [];
    return [
      {
        ...AT_FILE_START,
        message: 'No down migration: `ogel-migrate rollback` cannot undo this one',
        hint: 'Add the matching .down.sql file (run `ogel-migrate new` to see the naming), or disable the rule if the project does not roll back.',
      },
    ];
  },
};

export const modifiedAppliedMigration: LintRule = {
  id: 'modified-applied-migration',
  severity: 'error',
  description: 'The file was already applied and has changed since: the change will never run where it was applied.',
  check(target) {
    if (!target.input.modified) return [];
    return [
      {
        ...AT_FILE_START,
        message:
          'This migration was already applied and its file has changed since: databases that ran it will never see the change, and `migrate` refuses the checksum mismatch',
        hint: 'Restore the file as it was applied and put the change in a new migration.',
      },
    ];
  },
};
