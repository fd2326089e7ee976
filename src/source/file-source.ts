import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { checksumOf } from '../core/checksum.js';
import { DEFAULT_IGNORE } from '../core/file-names.js';
import type { MigrationSet } from '../core/migration.js';
import { sqlTextProblem } from '../core/file-text.js';
import { assembleMigrations, type FileProblem, type ReadFile } from '../core/validate-files.js';
import { OgelError } from '../errors.js';

/** Where migrations come from. The file system is the one source today; tests and embedders may add others. */
export interface MigrationSource {
  load(): Promise<MigrationSet>;
}

/** Files read between two turns of the event loop, so a query started alongside (`status`) keeps moving. */
const FILES_PER_TURN = 200;

/**
 * Reads a directory of `NNN_name.sql` / `NNN_name.down.sql` files and repeatable `R_name.sql` ones. Refuses the whole set, naming every
 * offending file, before anything runs. Symbolic links are followed; entries that are not files
 * (sub-directories) are left out.
 */
export class FileMigrationSource implements MigrationSource {
  readonly dir: string;
  constructor(
    dir: string,
    private readonly ignore: readonly string[] = DEFAULT_IGNORE,
  ) {
    this.dir = resolve(dir);
  }

  async load(): Promise<MigrationSet> {
    let names: string[];
    try {
      // Names only: typed entries (Dirent objects) cost three times as much for thousands of files, and what
      // is not a file shows itself when it is opened or, for the few names not ending in .sql, by a stat.
      names = readdirSync(this.dir);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
      throw new OgelError(
        'INVALID_MIGRATION_FILES',
        `Migrations directory ${this.dir} ${reason}`,
        { dir: this.dir },
        { cause: error },
      );
    }
    const files: ReadFile[] = [];
    const unreadable: FileProblem[] = [];
    // `dir` is absolute and normalised: plain concatenation spares path.join's work on every one of thousands.
    const prefix = this.dir.endsWith(sep) ? this.dir : this.dir + sep;
    for (let i = 0; i < names.length; i++) {
      const file = names[i]!;
      if (!file.endsWith('.sql')) {
        // Listed as ignored (status shows why), unless it is a directory or otherwise not a file.
        if (isFile(prefix + file)) files.push({ file, content: '' });
        continue;
      }
      const read = readSqlFile(prefix + file);
      if (read === NOT_A_FILE) continue;
      if ('problem' in read) unreadable.push({ file, problem: read.problem });
      else files.push({ file, ...read });
      if (i % FILES_PER_TURN === FILES_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    const { migrations, repeatables, ignored, problems } = assembleMigrations(files, this.ignore);
    if (unreadable.length > 0) {
      problems.push(...unreadable);
      problems.sort((a, b) => a.file.localeCompare(b.file));
    }
    if (problems.length > 0) {
      const list = problems.map((p) => `  ${p.file}: ${p.problem}`).join('\n');
      throw new OgelError(
        'INVALID_MIGRATION_FILES',
        `Refusing to run: ${problems.length} problem(s) in ${this.dir}\n${list}`,
        { dir: this.dir, problems },
      );
    }
    return { dir: this.dir, migrations, repeatables, ignored };
  }
}

/** A name that is not a migration is only listed; one that cannot even be looked at (a link loop) is not. */
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const NOT_A_FILE = Symbol('not a file');
// Non-blocking so that a named pipe called `x.sql` cannot hang the open; no effect on regular files.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * A file's text and the checksum of its exact bytes (not of the decoded text). Synchronous reads on purpose:
 * for thousands of small files they are several times faster than promise-based ones (status with 10,000
 * migrations is measured by the benchmarks); a small file is read into one shared buffer and decoded and
 * hashed from there (open, read, close: no stat, no copy of the bytes). A directory named `*.sql` is not a
 * file, nor is anything else that reads as empty without being a regular file (a pipe, a device); a file
 * that cannot be opened (permissions, a dangling link) is a problem to report, not a crash.
 */
function readSqlFile(path: string): Omit<ReadFile, 'file'> | { problem: string } | typeof NOT_A_FILE {
  const unreadable = (error: unknown) => ({
    problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
  });
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return unreadable(error);
  }
  let length: number;
  try {
    length = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, 0);
    if (length === 0 && !fstatSync(fd).isFile()) return NOT_A_FILE;
  } catch (error) {
    // A directory (EISDIR) or a pipe (ESPIPE) cannot be read like a file; a file that fails to read is a problem.
    return fstatSync(fd).isFile() ? unreadable(error) : NOT_A_FILE;
  } finally {
    closeSync(fd);
  }
  const bytes = length < READ_BUFFER.length ? READ_BUFFER.subarray(0, length) : readFileSync(path);
  const decoded = bytes.toString('utf8');
  const textProblem = sqlTextProblem(bytes, decoded);
  // A byte order mark (Windows editors write one) is not SQL: the server would read it as part of the first
  // word. Dropped as Flyway does; the checksum stays the file's bytes.
  const content = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  return { content, checksum: checksumOf(bytes), ...(textProblem ? { textProblem } : {}) };
}
