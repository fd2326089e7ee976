import { underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';
import { readUpDownFiles } from './up-down-files.js';

// golang-migrate's own pattern (source/parse.go): `{version}_{title}.{up|down}.{extension}`.
const NAME = /^(\d+)_(.*)\.(up|down)\.sql$/;

/**
 * golang-migrate: `000001_create_users.up.sql` and `000001_create_users.down.sql`. It runs each file as one
 * multi-statement query (in PostgreSQL's implicit transaction), so a file keeps its meaning in one of ours.
 */
export const golangMigrateFormat: PeerFormat = {
  detect: (files) => files.some((f) => !f.path.includes('/') && /^\d+_.*\.up\.sql$/.test(f.path)),
  read: (files) =>
    readUpDownFiles(
      underFirst(files, ['db/migrations', 'migrations', '']).filter((f) => !f.path.includes('/')),
      (name) => {
        const match = NAME.exec(name);
        return match ? { version: match[1]!, name: match[2]!, direction: match[3] as 'up' | 'down' } : null;
      },
    ),
};
