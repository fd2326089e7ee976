import { checksumOf } from './checksum.js';
import { classifyFileName } from './file-names.js';
import type { IgnoredFile, Migration } from './migration.js';
import { normalizeVersion, sortByVersion } from './version.js';

export interface FileProblem {
  file: string;
  problem: string;
}

/**
 * Turns a directory listing into migrations, or the full list of problems. Pure: the caller reads the files.
 * Every offending file is reported at once so a user fixes them in one pass.
 */
export function assembleMigrations(
  files: ReadonlyArray<{ file: string; content: string; checksum?: string }>,
  ignore: readonly string[],
): { migrations: Migration[]; ignored: IgnoredFile[]; problems: FileProblem[] } {
  type Entry = { file: string; version: string; name: string; content: string; checksum: string };
  // One entry per version, and the rare extra files that share a version on the side (no array per version).
  const ups = new Map<string, Entry>();
  const downs = new Map<string, Entry>();
  const sharing = new Map<Entry, Entry[]>();
  const ignored: IgnoredFile[] = [];
  const problems: FileProblem[] = [];
  for (const { file, content, checksum } of files) {
    const kind = classifyFileName(file, ignore);
    if (kind.type === 'ignored') ignored.push({ file, reason: kind.reason });
    else if (kind.type === 'invalid') problems.push({ file, problem: kind.reason });
    else {
      const target = kind.type === 'up' ? ups : downs;
      const key = normalizeVersion(kind.version);
      const entry = { file, version: kind.version, name: kind.name, content, checksum: checksum ?? checksumOf(content) };
      const first = target.get(key);
      if (!first) target.set(key, entry);
      else sharing.set(first, [...(sharing.get(first) ?? [first]), entry]);
    }
  }
  for (const group of sharing.values()) {
    const names = group.map((entry) => entry.file).join(', ');
    for (const entry of group) problems.push({ file: entry.file, problem: `version ${entry.version} is used by more than one file: ${names}` });
  }
  for (const [key, down] of downs) {
    const up = ups.get(key);
    for (const entry of sharing.get(down) ?? [down]) {
      if (!up) problems.push({ file: entry.file, problem: `down file has no up migration with version ${entry.version}` });
      else if (up.name !== entry.name) {
        problems.push({ file: entry.file, problem: `down file's name does not match its up file ${up.file} (expected ${up.file.replace(/\.sql$/, '.down.sql')})` });
      }
    }
  }
  const migrations: Migration[] = [];
  for (const [key, up] of ups) {
    const down = downs.get(key);
    const migration: Migration = { version: up.version, name: up.name, file: up.file, upSql: up.content, checksum: up.checksum };
    if (down && down.name === up.name) {
      migration.downFile = down.file;
      migration.downSql = down.content;
      migration.downChecksum = down.checksum;
    }
    migrations.push(migration);
  }
  sortByVersion(migrations);
  problems.sort((a, b) => a.file.localeCompare(b.file));
  ignored.sort((a, b) => a.file.localeCompare(b.file));
  return { migrations, ignored, problems };
}
