import { emptyLayout, ourName, problem, skip, underFirst } from '../names.js';
import type { PeerFile, PeerFormat } from '../types.js';

const CODE = /^(\d+)_(.+)\.(c?js|mjs|ts)$/;

/**
 * knex: `migrations/20240101000000_create_users.js`, code rather than SQL, so nothing of it can be imported as it
 * is. What can: the same migration's SQL placed beside it as `<name>.up.sql` (and `<name>.down.sql`), which is
 * imported byte for byte and matched to the JavaScript file's row in `knex_migrations`. A JavaScript migration
 * without its SQL is an error.
 */
export const knexFormat: PeerFormat = {
  detect: (files) => files.some((f) => f.path === 'knexfile.js' || f.path === 'knexfile.ts'),
  read: (files) => {
    const layout = emptyLayout();
    const scan = underFirst(files, ['migrations', '']).filter((f) => !f.path.includes('/'));
    const byName = new Map<string, PeerFile>(scan.map((f) => [f.path, f]));
    const twins = new Set<string>();
    for (const file of scan) {
      const match = CODE.exec(file.path);
      if (!match) continue;
      const stem = file.path.replace(/\.(c?js|mjs|ts)$/, '');
      const up = byName.get(`${stem}.up.sql`) ?? byName.get(`${stem}.sql`);
      const down = byName.get(`${stem}.down.sql`);
      if (!up) {
        layout.problems.push(
          problem(
            file.path,
            'error',
            'code-migration',
            'a knex migration is JavaScript: it cannot be imported byte for byte',
            `put its SQL beside it as ${stem}.up.sql (and ${stem}.down.sql), then import again`,
          ),
        );
        continue;
      }
      for (const f of [up, down]) if (f) twins.add(f.path);
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2]!),
        up: up.bytes,
        ...(down ? { down: down.bytes } : {}),
        // knex_migrations.name is the migration's file name.
        peerId: file.path,
        sources: [up.path, ...(down ? [down.path] : [])],
      });
      skip(layout, file.path, `JavaScript; its SQL is ${up.path}`);
    }
    for (const file of scan)
      if (!CODE.test(file.path) && !twins.has(file.path)) skip(layout, file.path, 'not a knex migration');
    return layout;
  },
};
