import type { PeerHistoryReader } from '../types.js';
import { readKeyColumn } from './rows.js';

/** node-pg-migrate's `pgmigrations(id serial, name varchar(255), run_on timestamp)`: `name` is the file's stem. */
export const readNodePgMigrateHistory: PeerHistoryReader = (client) =>
  readKeyColumn(client, { table: 'pgmigrations', column: 'name', tool: 'node-pg-migrate' });
