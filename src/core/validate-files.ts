import { checksumOf } from './checksum.js';
import type { TextProblem } from './file-text.js';
import { fileNameClassifier } from './file-names.js';
import type { IgnoredFile, Migration } from './migration.js';
import { normalizeVersion, sortByVersion } from './version.js';

export interface FileProblem {
  file: string;
  problem: string;
  /** Where in the file, for problems with its text (a NUL byte, invalid UTF-8). */
  line?: number;
  column?: number;
}

/** One directory entry as read: its text, the checksum of its bytes, and what is wrong with its bytes if anything. */
export interface ReadFile {
  file: string;
  content: string;
  checksum?: string;
  textProblem?: TextProblem;
}

/**
 * Turns a directory listing into migrations, or the full list of problems. Pure: the caller reads the files.
 * Every offending file is reported at once so a user fixes them in one pass.
 */
export function assembleMigrations(
  files: ReadonlyArray<ReadFile>,
  ignore: readonly string[],
): { migrations: Migration[]; repeatables: Migration[]; ignored: IgnoredFile[]; problems: FileProblem[] } {
  type Named = { file: string; version: string; name: string };
  type Down = Named & { content: string; checksum: string };
  // An up file becomes its Migration at once (one object per file, for thousands); extra files that share a
  // version are kept on the side, keyed by the first one (no array per version).
  const ups = new Map<string, Migration>();
  const downs = new Map<string, Down>();
  const sharing = new Map<Named, Named[]>();
  const repeatables: Migration[] = [];
  const ignored: IgnoredFile[] = [];
  const problems: FileProblem[] = [];
  const record = <T extends Named>(target: Map<string, T>, key: string, entry: T): void => {
    const first = target.get(key);
    if (!first) target.set(key, entry);
    else sharing.set(first, [...(sharing.get(first) ?? [first]), entry]);
  };
  const classify = fileNameClassifier(ignore);
  for (const { file, content, checksum, textProblem } of files) {
    const kind = classify(file);
    if (kind.type === 'ignored') ignored.push({ file, reason: kind.reason });
    else if (kind.type === 'invalid') problems.push({ file, problem: kind.reason });
    else if (kind.type === 'repeatable') {
      // Repeatables are migrations too: they must be SQL text.
      if (textProblem) problems.push({ file, ...textProblem });
      const sum = checksum ?? checksumOf(content);
      repeatables.push({
        version: kind.version,
        name: kind.name,
        file,
        upSql: content,
        checksum: sum,
        repeatable: true,
      });
    } else {
      // Only migrations must be SQL text: an ignored psql script may hold anything.
      if (textProblem) problems.push({ file, ...textProblem });
      const key = normalizeVersion(kind.version);
      const sum = checksum ?? checksumOf(content);
      if (kind.type === 'up')
        record(ups, key, { version: kind.version, name: kind.name, file, upSql: content, checksum: sum });
      else record(downs, key, { file, version: kind.version, name: kind.name, content, checksum: sum });
    }
  }
  for (const group of sharing.values()) {
    const names = group.map((entry) => entry.file).join(', ');
    for (const entry of group)
      problems.push({ file: entry.file, problem: `version ${entry.version} is used by more than one file: ${names}` });
  }
  for (const [key, down] of downs) {
    const up = ups.get(key);
    for (const entry of sharing.get(down) ?? [down]) {
      if (!up)
        problems.push({ file: entry.file, problem: `down file has no up migration with version ${entry.version}` });
      else if (up.name !== entry.name) {
        problems.push({
          file: entry.file,
          problem: `down file's name does not match its up file ${up.file} (expected ${up.file.replace(/\.sql$/, '.down.sql')})`,
        });
      }
    }
  }
  const migrations: Migration[] = [];
  for (const [key, migration] of ups) {
    const down = downs.get(key);
    if (down && down.name === migration.name) {
      migration.downFile = down.file;
      migration.downSql = down.content;
      migration.downChecksum = down.checksum;
    }
    migrations.push(migration);
  }
  sortByVersion(migrations);
  // Name order in bytes, as `ls` in the C locale shows them: the order they run in.
  repeatables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  problems.sort((a, b) => a.file.localeCompare(b.file));
  ignored.sort((a, b) => a.file.localeCompare(b.file));
  return { migrations, repeatables, ignored, problems };
}
