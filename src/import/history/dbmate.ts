import type { PeerHistoryReader } from '../types.js';
import { readKeyColumn } from './rows.js';

/** dbmate's `schema_migrations(version varchar PRIMARY KEY)`: one row per applied migration's version. */
export const readDbmateHistory: PeerHistoryReader = (client) =>
  readKeyColumn(client, { table: 'schema_migrations', column: 'version', tool: 'dbmate' });
