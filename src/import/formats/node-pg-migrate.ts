import { emptyLayout, ourName, problem, skip, underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';
import { splitSections } from './sections.js';

const NAME = /^(\d+)[_-](.*)\.sql$/;
// node-pg-migrate's own markers (sqlMigration.ts): `^\s*--[\s-]*(up|down)\s+migration`, case-insensitive.
const MARKER = /^\s*--[\s-]*(up|down)\s+migration(.*)$/im;

/**
 * node-pg-migrate's SQL migrations: `migrations/1700000000000_create-users.sql` with `-- Up Migration` and
 * `-- Down Migration`. node-pg-migrate runs each section from its marker comment on, so the imported files
 * start with that comment too, byte for byte. JavaScript and TypeScript migrations are code, not SQL.
 */
export const nodePgMigrateFormat: PeerFormat = {
  detect: (files) =>
    files.some(
      (f) => f.path.endsWith('.sql') && /^\s*--[\s-]*up\s+migration/im.test(f.bytes.toString('latin1', 0, 4096)),
    ),
  read: (files) => {
    const layout = emptyLayout();
    for (const file of underFirst(files, ['migrations', ''])) {
      if (/^\d+[_-].*\.(c?js|mjs|ts)$/.test(file.path)) {
        layout.problems.push(
          problem(
            file.path,
            'error',
            'code-migration',
            'a JavaScript/TypeScript migration cannot be imported byte for byte',
            'write its SQL as a .sql migration (node-pg-migrate --migration-file-language sql), then import again',
          ),
        );
        continue;
      }
      const match = NAME.exec(file.path);
      if (!match || file.path.includes('/')) {
        skip(layout, file.path, 'not a node-pg-migrate SQL migration');
        continue;
      }
      const sections = splitSections(file.bytes, MARKER, true);
      const up = sections.find((s) => s.direction === 'up');
      const down = sections.find((s) => s.direction === 'down');
      const stem = file.path.replace(/\.sql$/, '');
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2]!),
        // Without an up marker node-pg-migrate runs the whole file as the up.
        up: up?.bytes ?? file.bytes,
        ...(down && down.bytes.toString('utf8').replace(MARKER, '').trim() !== '' ? { down: down.bytes } : {}),
        peerId: stem,
        sources: [file.path],
      });
    }
    return layout;
  },
};
