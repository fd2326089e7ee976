import { emptyLayout, ourName, problem, skip, text, underFirst } from '../names.js';
import type { PeerFile, PeerFormat } from '../types.js';

// A migration directory: `2017-09-03-210424_create_users` (or digits only); diesel's version is the part
// before the first `_` with the dashes removed (diesel_migrations' version_from_string).
const DIR = /^([0-9-]+)_(.+)$/;

/**
 * diesel: `migrations/<version>_<name>/up.sql`, `down.sql` and an optional `metadata.toml`, whose
 * `run_in_transaction = false` runs both outside a transaction.
 */
export const dieselFormat: PeerFormat = {
  detect: (files) => files.some((f) => /(^|\/)[0-9-]+_[^/]+\/up\.sql$/.test(f.path)),
  read: (files) => readDirectories(underFirst(files, ['migrations', ''])),
};

function readDirectories(files: readonly PeerFile[]): ReturnType<PeerFormat['read']> {
  const layout = emptyLayout();
  const dirs = new Map<string, Map<string, PeerFile>>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts.length !== 2 || !DIR.test(parts[0]!)) {
      skip(layout, file.path, 'not in a diesel migration directory');
      continue;
    }
    const dir = dirs.get(parts[0]!) ?? new Map<string, PeerFile>();
    dir.set(parts[1]!, file);
    dirs.set(parts[0]!, dir);
  }
  for (const [dir, entries] of dirs) {
    const [, version, name] = DIR.exec(dir)!;
    const up = entries.get('up.sql');
    if (!up) {
      layout.problems.push(problem(dir, 'error', 'no-up', 'migration directory without up.sql'));
      continue;
    }
    const down = entries.get('down.sql');
    const metadata = entries.get('metadata.toml');
    for (const other of entries.keys())
      if (!['up.sql', 'down.sql', 'metadata.toml'].includes(other))
        skip(layout, `${dir}/${other}`, 'not part of a diesel migration');
    const outside = metadata && /^\s*run_in_transaction\s*=\s*false\s*$/m.test(text(metadata));
    const reason = outside ? 'diesel metadata.toml run_in_transaction = false' : undefined;
    layout.migrations.push({
      version: version!.replace(/-/g, ''),
      name: ourName(name!),
      up: up.bytes,
      ...(down && text(down).trim() !== '' ? { down: down.bytes } : {}),
      ...(reason ? { noTransaction: reason, ...(down ? { downNoTransaction: reason } : {}) } : {}),
      peerId: version!.replace(/-/g, ''),
      sources: [up.path, ...(down ? [down.path] : []), ...(metadata ? [metadata.path] : [])],
    });
  }
  return layout;
}
