import { dirName, emptyLayout, ourName, ourVersion, problem, skip, text, underFirst } from '../names.js';
import { flywayChecksum } from '../flyway-checksum.js';
import type { ImportLayout, PeerFile, PeerFormat, ReadOptions } from '../types.js';

// Flyway's defaults: prefixes V, U, R; separator `__`; suffix `.sql`; version parts separated by `.` or `_`.
const VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;
const PLACEHOLDER = /\$\{([^}\s]+)\}/g;

/**
 * Flyway: `V1__create_users.sql`, `V1.1__add_index.sql` (found in sub-folders too), undo scripts `U1__…`,
 * repeatable ones `R__views.sql` (ours: `R_views.sql`), per-script `<file>.conf` with
 * `executeInTransaction=false`, and `${placeholders}`, which need their values (`--placeholder name=value`)
 * since ogel-migrate runs files as written.
 */
export const flywayFormat: PeerFormat = {
  detect: (files) => files.some((f) => /(^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/.test(f.path)),
  read: (files, options) => readFlyway(files, options, 'flyway'),
};

export function readFlyway(files: readonly PeerFile[], given: ReadOptions, tool: 'flyway' | 'refinery'): ImportLayout {
  const layout = emptyLayout();
  // The project's own flyway.conf values, overridden by --placeholder.
  const config = files.find((f) => f.path === 'flyway.conf');
  const configured = config
    ? Object.fromEntries(
        [...text(config).matchAll(/^\s*flyway\.placeholders\.([^=\s]+)\s*=\s*(.*?)\s*$/gm)].map((m) => [m[1]!, m[2]!]),
      )
    : {};
  const options: ReadOptions = { placeholders: { ...configured, ...given.placeholders } };
  const scan = underFirst(
    files,
    tool === 'flyway' ? ['src/main/resources/db/migration', 'sql', 'migrations', ''] : ['migrations', ''],
  );
  const confs = new Map(
    scan.filter((f) => f.path.endsWith('.sql.conf')).map((f) => [f.path.slice(0, -'.conf'.length), f]),
  );
  const undos = new Map<string, PeerFile>();
  for (const file of scan) {
    if (file.path.endsWith('.sql.conf')) continue;
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    const versioned = VERSIONED.exec(base);
    const repeatable = tool === 'flyway' ? REPEATABLE.exec(base) : null;
    if (!versioned && !repeatable) {
      skip(layout, file.path, `not a ${tool} migration`);
      continue;
    }
    const reason = noTransaction(file, confs.get(file.path), tool);
    if (repeatable) {
      layout.repeatables.push({
        name: ourName(repeatable[1]!),
        up: substitute(file, options, layout),
        ...(reason ? { noTransaction: reason } : {}),
        peerId: repeatable[1]!.replace(/_/g, ' '),
        peerChecksum: String(flywayChecksum(file.bytes)),
        sources: [file.path],
      });
      continue;
    }
    const [, prefix, version, description] = versioned!;
    // refinery's U is "unversioned", applied in order like V; Flyway's U is the undo of its version.
    if (prefix === 'U' && tool === 'flyway') {
      undos.set(ourVersion(version!), file);
      continue;
    }
    layout.migrations.push({
      version: ourVersion(version!),
      name: ourName(description!),
      up: substitute(file, options, layout),
      ...(reason ? { noTransaction: reason } : {}),
      peerId: tool === 'flyway' ? ourVersion(version!) : String(Number(version)),
      ...(tool === 'flyway' ? { peerChecksum: String(flywayChecksum(file.bytes)) } : {}),
      sources: [file.path],
    });
  }
  for (const [version, file] of undos) {
    const migration = layout.migrations.find((m) => m.version === version);
    if (!migration) {
      layout.problems.push(
        problem(
          file.path,
          'error',
          'undo-without-migration',
          `undo script for version ${version}, which has no V script`,
        ),
      );
      continue;
    }
    migration.down = substitute(file, options, layout);
    const reason = noTransaction(file, confs.get(file.path), tool);
    if (reason) migration.downNoTransaction = reason;
    migration.sources.push(file.path);
  }
  const names = new Map<string, string>();
  for (const r of layout.repeatables) {
    const first = names.get(r.name);
    if (first)
      layout.problems.push(
        problem(r.sources[0]!, 'error', 'duplicate-repeatable', `becomes R_${r.name}.sql, as ${first} does`),
      );
    names.set(r.name, r.sources[0]!);
  }
  if (scan.some((f) => dirName(f.path) !== ''))
    layout.problems.push(
      problem('.', 'info', 'flattened', 'migrations from sub-folders are written into one directory'),
    );
  return layout;
}

function noTransaction(file: PeerFile, conf: PeerFile | undefined, tool: 'flyway' | 'refinery'): string | undefined {
  if (conf && /^\s*executeInTransaction\s*=\s*false\s*$/m.test(text(conf)))
    return `flyway ${conf.path.split('/').pop()} executeInTransaction=false`;
  if (tool === 'refinery' && /^--\s*refinery:noTransaction\b/m.test(text(file).slice(0, 1024)))
    return 'refinery:noTransaction';
  return undefined;
}

/** The file's bytes with Flyway's placeholders replaced by the given values; one without a value is an error. */
function substitute(file: PeerFile, options: ReadOptions, layout: ImportLayout): Buffer {
  const source = text(file);
  const used = [...new Set([...source.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  if (used.length === 0) return file.bytes;
  const values = options.placeholders ?? {};
  const unknown = used.filter((name) => values[name] === undefined);
  if (unknown.length > 0) {
    layout.problems.push(
      problem(
        file.path,
        'error',
        'placeholder',
        `uses Flyway placeholder ${unknown.map((n) => `\${${n}}`).join(', ')}: ogel-migrate runs files as written`,
        unknown.map((n) => `--placeholder ${n}=VALUE`).join(' '),
      ),
    );
    return file.bytes;
  }
  layout.problems.push(
    problem(
      file.path,
      'info',
      'placeholder-replaced',
      `placeholders ${used.map((n) => `\${${n}}`).join(', ')} replaced: its bytes differ from the Flyway file's`,
    ),
  );
  return Buffer.from(
    source.replace(PLACEHOLDER, (_, name: string) => values[name]!),
    'utf8',
  );
}
