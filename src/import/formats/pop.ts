import { underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';
import { readUpDownFiles } from './up-down-files.js';

// pop's migration file name: `{version}_{name}[.{dialect}][.autocommit].{up|down}.{sql|fizz}`.
const NAME = /^(\d+)_([^.]+)(?:\.(?!autocommit\.)([a-z0-9]+))?(?:\.(autocommit))?\.(up|down)\.(sql|fizz)$/;
const POSTGRES = new Set(['postgres', 'postgresql', 'pg']);

/**
 * pop (gobuffalo/soda): golang-migrate's layout plus a dialect (`.postgres.up.sql` wins over the all-dialects
 * file of the same version; other dialects are skipped) and `.autocommit` (run outside a transaction). Fizz
 * files are pop's own DSL, not SQL: they need `soda generate sql` or a rewrite by hand.
 */
export const popFormat: PeerFormat = {
  detect: (files) =>
    files.some((f) => /\.(postgres|cockroach|mysql|sqlite3|autocommit)\.(up|down)\.sql$|\.fizz$/.test(f.path)),
  read: (files) => {
    const inDir = underFirst(files, ['migrations', '']).filter((f) => !f.path.includes('/'));
    // Dialect files first: the one for PostgreSQL replaces the generic one of its version.
    const specific = new Set<string>();
    for (const f of inDir) {
      const m = NAME.exec(f.path);
      if (m && m[3] && POSTGRES.has(m[3])) specific.add(`${m[1]}.${m[5]}`);
    }
    const fizz: string[] = [];
    const layout = readUpDownFiles(inDir, (name) => {
      const m = NAME.exec(name);
      if (!m) return null;
      const [, version, title, dialect, autocommit, direction, extension] = m;
      if (dialect && !POSTGRES.has(dialect) && dialect !== 'all')
        return { skip: `pop migration for another dialect (${dialect})` };
      if ((!dialect || dialect === 'all') && specific.has(`${version}.${direction}`))
        return { skip: 'replaced by the .postgres file of the same version, as pop does' };
      if (extension === 'fizz') {
        fizz.push(name);
        return { skip: 'fizz migration' };
      }
      return {
        version: version!,
        name: title!,
        direction: direction as 'up' | 'down',
        ...(autocommit ? { noTransaction: 'pop .autocommit' } : {}),
      };
    });
    for (const name of fizz)
      layout.problems.push({
        file: name,
        severity: 'error',
        code: 'fizz',
        message: 'a fizz migration (pop’s DSL, not SQL) cannot be imported byte for byte',
        decideWith: 'write its SQL as NNN_name.sql by hand (or `soda generate sql`), then import again',
      });
    return layout;
  },
};
