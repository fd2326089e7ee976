import { underFirst } from '../names.js';
import type { PeerFile, PeerFormat } from '../types.js';
import { readUpDownFiles } from './up-down-files.js';

// sqlx-core's migration source: `<version>_<description>.sql`, or `.up.sql` / `.down.sql` when reversible.
const NAME = /^(\d+)_(.+?)(?:\.(up|down))?\.sql$/;

/** sqlx: `migrations/20220101000000_create_users.sql` (or `.up.sql`/`.down.sql`); `-- no-transaction` on the first line. */
export const sqlxFormat: PeerFormat = {
  detect: () => false,
  read: (files) =>
    readUpDownFiles(
      underFirst(files, ['migrations', '']).filter((f) => !f.path.includes('/')),
      (name) => {
        const match = NAME.exec(name);
        return match ? { version: match[1]!, name: match[2]!, direction: (match[3] ?? 'up') as 'up' | 'down' } : null;
      },
      noTransaction,
    ),
};

function noTransaction(file: PeerFile): string | undefined {
  return file.bytes.toString('utf8', 0, 64).startsWith('-- no-transaction') ? 'sqlx -- no-transaction' : undefined;
}
