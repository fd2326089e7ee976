import type { PeerHistoryReader } from '../types.js';
import { readKeyColumn } from './rows.js';

/** refinery's `refinery_schema_history(version int4 PRIMARY KEY, name, applied_on, checksum)`. */
export const readRefineryHistory: PeerHistoryReader = (client) =>
  readKeyColumn(client, { table: 'refinery_schema_history', column: 'version', tool: 'refinery' });
