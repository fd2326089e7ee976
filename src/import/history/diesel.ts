import type { PeerHistoryReader } from '../types.js';
import { readKeyColumn } from './rows.js';

/** diesel's `__diesel_schema_migrations(version varchar(50) PRIMARY KEY, run_on timestamp)`. */
export const readDieselHistory: PeerHistoryReader = (client) =>
  readKeyColumn(client, { table: '__diesel_schema_migrations', column: 'version', tool: 'diesel' });
