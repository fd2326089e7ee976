import type { PeerHistoryReader } from '../types.js';
import { checksumWarnings, peerTable } from './table.js';

/** graphile-migrate's `graphile_migrate.migrations(hash text primary key, previous_hash, filename, date)`. */
export const readGraphileMigrateHistory: PeerHistoryReader = async (client, layout) => {
  const table = await peerTable(client, 'graphile_migrate.migrations', 'graphile-migrate');
  const rows = (
    await client.query<{ filename: string; hash: string }>(
      `SELECT filename, hash FROM ${table.display} ORDER BY filename`,
    )
  ).rows;
  return {
    table: table.display,
    applied: rows.map((r) => r.filename),
    problems: checksumWarnings(layout, new Map(rows.map((r) => [r.filename, r.hash])), 'graphile-migrate'),
  };
};
