import { globRegex } from './glob.js';

/** What a file in the migrations directory is, decided by its name alone. */
export type FileNameClass =
  | { type: 'up' | 'down'; version: string; name: string }
  | { type: 'repeatable'; version: string; name: string }
  | { type: 'ignored'; reason: string }
  | { type: 'invalid'; reason: string };

/** Ignored unless configured otherwise: psql test scripts. Files not ending in `.sql` are always ignored. */
export const DEFAULT_IGNORE = ['test_*.sql'];

// The name cannot hold a ".", so a greedy match stops right before the suffix (no backtracking per character).
const MIGRATION_NAME = /^(\d+(?:\.\d+)*)_([a-z0-9_]+)(\.down)?\.sql$/;
// `R` stands in the version slot of `<version>_<name>.sql`: versions are digits, so the two never collide.
const REPEATABLE_NAME = /^R_([a-z0-9][a-z0-9_]*)\.sql$/;

/**
 * A repeatable migration's tracking key is its file's stem (`R_views`): the tracking table's primary key is the
 * version, and no digit version can start with `R`.
 */
export function repeatableVersion(name: string): string {
  return `R_${name}`;
}

export function isRepeatableVersion(version: string): boolean {
  return version.startsWith('R_');
}

/** How messages name a migration: `001_create_a`, or `R_views` for a repeatable one. */
export function migrationLabel(migration: { version: string; name: string }): string {
  return isRepeatableVersion(migration.version) ? migration.version : `${migration.version}_${migration.name}`;
}

export function classifyFileName(fileName: string, ignore: readonly string[] = DEFAULT_IGNORE): FileNameClass {
  return fileNameClassifier(ignore)(fileName);
}

/**
 * `classifyFileName` with the ignore list fixed, for classifying a whole directory: the globs are looked up
 * once, not once per file.
 */
export function fileNameClassifier(ignore: readonly string[] = DEFAULT_IGNORE): (fileName: string) => FileNameClass {
  const patterns = ignore.map((glob) => ({ glob, regex: globRegex(glob) }));
  return (fileName) => {
    if (!fileName.endsWith('.sql')) return { type: 'ignored', reason: 'not a .sql file' };
    for (const { glob, regex } of patterns)
      if (regex.test(fileName)) return { type: 'ignored', reason: `matches ignore pattern ${glob}` };
    const match = MIGRATION_NAME.exec(fileName);
    if (match) return { type: match[3] ? 'down' : 'up', version: match[1]!, name: match[2]! };
    const repeatable = REPEATABLE_NAME.exec(fileName);
    if (repeatable) return { type: 'repeatable', version: repeatableVersion(repeatable[1]!), name: repeatable[1]! };
    return { type: 'invalid', reason: invalidReason(fileName) };
  };
}

function invalidReason(fileName: string): string {
  if (fileName.startsWith('R_')) {
    if (fileName.endsWith('.down.sql'))
      return 'a repeatable migration has no down file: it is re-applied when it changes, never reverted';
    if (fileName.startsWith('R__')) return `repeatable migrations are named R_<name>.sql (one "_"), e.g. R_views.sql`;
    return 'name after R_ must be lower-case letters, digits and "_" ([a-z0-9_]+), e.g. R_views.sql';
  }
  if (!/^\d/.test(fileName))
    return 'name must start with a version number, e.g. 009_add_billing.sql (or R_ for a repeatable migration)';
  if (!/^\d+(?:\.\d+)*_/.test(fileName)) return 'version must be followed by "_" and a name, e.g. 009_add_billing.sql';
  return 'name after the version must be lower-case letters, digits and "_" ([a-z0-9_]+), ending in .sql or .down.sql';
}
