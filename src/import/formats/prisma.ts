import { emptyLayout, hashOf, ourName, problem, skip, underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';

const DIR = /^(\d+)_(.+)$/;

/**
 * Prisma Migrate: `prisma/migrations/20210101000000_init/migration.sql` (up only) and `migration_lock.toml`;
 * `_prisma_migrations` records each directory's name and the sha256 of its migration.sql.
 */
export const prismaFormat: PeerFormat = {
  detect: (files) => files.some((f) => /(^|\/)\d+_[^/]+\/migration\.sql$/.test(f.path)),
  read: (files) => {
    const layout = emptyLayout();
    for (const file of underFirst(files, ['prisma/migrations', 'migrations', ''])) {
      const parts = file.path.split('/');
      if (parts.length === 1 && parts[0] === 'migration_lock.toml') {
        if (!/provider\s*=\s*"(postgresql|postgres)"/.test(file.bytes.toString('utf8')))
          layout.problems.push(
            problem(file.path, 'error', 'provider', 'migration_lock.toml names a provider other than postgresql'),
          );
        skip(layout, file.path, 'Prisma’s provider lock');
        continue;
      }
      const match = parts.length === 2 && parts[1] === 'migration.sql' ? DIR.exec(parts[0]!) : null;
      if (!match) {
        skip(layout, file.path, 'not a Prisma migration (<timestamp>_<name>/migration.sql)');
        continue;
      }
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2]!),
        up: file.bytes,
        peerId: parts[0]!,
        // _prisma_migrations.checksum: the sha256 of migration.sql's bytes, in hex.
        peerChecksum: hashOf('sha256', file.bytes),
        sources: [file.path],
      });
    }
    return layout;
  },
};
