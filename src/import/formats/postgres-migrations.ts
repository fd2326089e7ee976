import { emptyLayout, hashOf, ourName, problem, skip, text, underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';

// postgres-migrations' file-name-parser: an integer id, an optional `-` or `_`, a name.
const NAME = /^(\d+)[-_]?(.*)\.sql$/;
// It looks for the directive anywhere in the file (run-migration.js: sql.includes(…)).
const DIRECTIVE = '-- postgres-migrations disable-transaction';

/**
 * postgres-migrations: `migrations/1_create-users.sql`, ids from 1 without gaps; `-- postgres-migrations
 * disable-transaction` at the top runs a file outside a transaction. Its tracking table is `migrations`.
 */
export const postgresMigrationsFormat: PeerFormat = {
  detect: (files) => files.some((f) => f.path.endsWith('.sql') && f.bytes.includes(DIRECTIVE)),
  read: (files) => {
    const layout = emptyLayout();
    for (const file of underFirst(files, ['migrations', ''])) {
      if (/^\d+[-_].*\.js$/.test(file.path)) {
        layout.problems.push(
          problem(
            file.path,
            'error',
            'code-migration',
            'a JavaScript migration cannot be imported byte for byte',
            'write its SQL as a .sql migration, then import again',
          ),
        );
        continue;
      }
      const match = NAME.exec(file.path);
      if (!match || file.path.includes('/')) {
        skip(layout, file.path, 'not a postgres-migrations file (<id>_<name>.sql)');
        continue;
      }
      const outside = text(file).includes(DIRECTIVE);
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2]!),
        up: file.bytes,
        ...(outside ? { noTransaction: 'postgres-migrations disable-transaction' } : {}),
        peerId: String(Number(match[1])),
        // Its `migrations.hash`: SHA-1 of the file name followed by the file's text.
        peerChecksum: hashOf('sha1', file.path + text(file)),
        sources: [file.path],
      });
    }
    return layout;
  },
};
