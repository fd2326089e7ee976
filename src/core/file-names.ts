import { globRegex } from './glob.js';

/** What a file in the migrations directory is, decided by its name alone. */
export type FileNameClass =
  | { type: 'up' | 'down'; version: string; name: string }
  | { type: 'ignored'; reason: string }
  | { type: 'invalid'; reason: string };

/** Ignored unless configured otherwise: psql test scripts. Files not ending in `.sql` are always ignored. */
export const DEFAULT_IGNORE = ['test_*.sql'];

// The name cannot hold a ".", so a greedy match stops right before the suffix (no backtracking per character).
const MIGRATION_NAME = /^(\d+(?:\.\d+)*)_([a-z0-9_]+)(\.down)?\.sql$/;

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
    if (!match) return { type: 'invalid', reason: invalidReason(fileName) };
    return { type: match[3] ? 'down' : 'up', version: match[1]!, name: match[2]! };
  };
}

function invalidReason(fileName: string): string {
  if (!/^\d/.test(fileName)) return 'name must start with a version number, e.g. 009_add_billing.sql';
  if (!/^\d+(?:\.\d+)*_/.test(fileName)) return 'version must be followed by "_" and a name, e.g. 009_add_billing.sql';
  return 'name after the version must be lower-case letters, digits and "_" ([a-z0-9_]+), ending in .sql or .down.sql';
}
