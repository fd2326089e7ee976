import { locksFor } from '../sql/locks.js';
import type { PreparedScript } from '../sql/prepare-script.js';
import type { PlannedMigration } from './types.js';

/** What a plan says about one migration: file, transaction mode, statement count. */
export function describePlanned({
  migration,
  script,
}: {
  migration: { version: string; name: string };
  script: PreparedScript;
}): PlannedMigration {
  return {
    version: migration.version,
    name: migration.name,
    file: script.file,
    transactional: script.transactional,
    modeReason: script.modeReason,
    statements: script.statements.length,
  };
}

/** Dry runs: each statement with the table locks it takes (from the parser). */
export function describeSteps(script: PreparedScript): NonNullable<PlannedMigration['steps']> {
  return script.statements.map((statement) => ({
    line: statement.line,
    statement: statement.text.split('\n')[0]!.slice(0, 120),
    locks: locksFor(statement).map((lock) => `${lock.mode} on ${lock.relation}`),
  }));
}
