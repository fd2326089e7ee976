import type { PeerHistoryReader } from '../types.js';
import { readKeyColumn } from './rows.js';

/** pop's `schema_migration(version varchar(14) PRIMARY KEY)`. */
export const readPopHistory: PeerHistoryReader = (client) =>
  readKeyColumn(client, { table: 'schema_migration', column: 'version', tool: 'pop' });
