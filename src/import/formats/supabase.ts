import { emptyLayout, ourName, skip, underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';

const NAME = /^(\d+)_(.*)\.sql$/;

/**
 * Supabase CLI: `supabase/migrations/20240101000000_create_users.sql`, up only; `supabase_migrations.
 * schema_migrations` records the version digits. `supabase/seed.sql` is data for local resets, not a migration.
 */
export const supabaseFormat: PeerFormat = {
  detect: (files) => files.some((f) => /(^|\/)supabase\/migrations\/\d+_[^/]*\.sql$/.test(f.path)),
  read: (files) => {
    const layout = emptyLayout();
    const seed = files.find((f) => /(^|\/)supabase\/seed\.sql$/.test(f.path) || f.path === 'seed.sql');
    if (seed)
      skip(layout, seed.path, 'seed data for `supabase db reset`, not a migration: load it yourself where you need it');
    for (const file of underFirst(files, ['supabase/migrations', 'migrations', ''])) {
      const match = NAME.exec(file.path);
      if (!match || file.path.includes('/')) {
        skip(layout, file.path, 'not a Supabase migration (<timestamp>_<name>.sql)');
        continue;
      }
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2]!),
        up: file.bytes,
        peerId: match[1]!,
        sources: [file.path],
      });
    }
    return layout;
  },
};
