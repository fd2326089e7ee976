import type { PeerHistoryReader } from '../types.js';
import { readKeyColumn } from './rows.js';

/** The Supabase CLI's `supabase_migrations.schema_migrations(version text PRIMARY KEY, statements text[], name text)`. */
export const readSupabaseHistory: PeerHistoryReader = (client) =>
  readKeyColumn(client, { table: 'supabase_migrations.schema_migrations', column: 'version', tool: 'Supabase CLI' });
