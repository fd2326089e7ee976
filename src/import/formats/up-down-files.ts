import { baseName, emptyLayout, ourName, ourVersion, problem, skip } from '../names.js';
import type { ImportLayout, ImportedMigration, PeerFile } from '../types.js';

/** One `.up.sql` / `.down.sql` file, as a tool's file-name pattern reads it. */
export interface UpDownName {
  version: string;
  name: string;
  direction: 'up' | 'down';
  /** Tool-specific: a dialect (pop), `autocommit` (pop), … */
  noTransaction?: string;
}

/**
 * The layout golang-migrate, pop, sqlx (reversible) and many Go projects share: `<version>_<name>.up.sql` and
 * `.down.sql`, the two halves of one migration with one version. `parse` reads a file name (null: not a
 * migration of this tool); `directive` reads a transaction directive inside a file.
 */
export function readUpDownFiles(
  files: readonly PeerFile[],
  parse: (fileName: string) => UpDownName | null | { skip: string },
  directive: (file: PeerFile) => string | undefined = () => undefined,
): ImportLayout {
  const layout = emptyLayout();
  const byVersion = new Map<string, { up?: PeerFile; down?: PeerFile; parsed: UpDownName; downParsed?: UpDownName }>();
  for (const file of files) {
    const parsed = parse(baseName(file.path));
    if (parsed === null) {
      skip(layout, file.path, 'not a migration file of this tool');
      continue;
    }
    if ('skip' in parsed) {
      skip(layout, file.path, parsed.skip);
      continue;
    }
    const key = `${ourVersion(parsed.version)}`;
    const slot = byVersion.get(key) ?? { parsed };
    if (slot[parsed.direction]) {
      layout.problems.push(
        problem(
          file.path,
          'error',
          'duplicate-version',
          `a second ${parsed.direction} file for version ${parsed.version} (${slot[parsed.direction]!.path})`,
        ),
      );
      continue;
    }
    slot[parsed.direction] = file;
    if (parsed.direction === 'up') slot.parsed = parsed;
    else slot.downParsed = parsed;
    byVersion.set(key, slot);
  }
  for (const [version, slot] of byVersion) {
    if (!slot.up) {
      layout.problems.push(
        problem(
          slot.down!.path,
          'error',
          'down-without-up',
          `down file without an up file for version ${slot.parsed.version}`,
        ),
      );
      continue;
    }
    const migration: ImportedMigration = {
      version,
      name: ourName(slot.parsed.name),
      up: slot.up.bytes,
      peerId: slot.parsed.version,
      sources: [slot.up.path, ...(slot.down ? [slot.down.path] : [])],
    };
    const upDirective = slot.parsed.noTransaction ?? directive(slot.up);
    if (upDirective) migration.noTransaction = upDirective;
    if (slot.down) {
      migration.down = slot.down.bytes;
      const downDirective = slot.downParsed?.noTransaction ?? directive(slot.down);
      if (downDirective) migration.downNoTransaction = downDirective;
    }
    layout.migrations.push(migration);
  }
  return layout;
}
