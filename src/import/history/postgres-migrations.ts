import type { PeerHistoryReader } from '../types.js';
import { checksumWarnings, dirty, peerTable } from './table.js';

/**
 * postgres-migrations' `migrations(id integer PRIMARY KEY, name varchar(100), hash varchar(40), executed_at)`.
 * Row 0 is its own bootstrap (`create-migrations-table`), not one of the project's files.
 */
export const readPostgresMigrationsHistory: PeerHistoryReader = async (client, layout) => {
  const table = await peerTable(client, 'migrations', 'postgres-migrations');
  if (!table.columns.has('hash'))
    throw dirty(
      'postgres-migrations',
      `${table.display} has no "hash" column: it is not postgres-migrations' table`,
      'Check --from',
    );
  const rows = (
    await client.query<{ id: string; hash: string }>(
      `SELECT id::text, hash FROM ${table.display} WHERE id > 0 ORDER BY id`,
    )
  ).rows;
  return {
    table: table.display,
    applied: rows.map((r) => r.id),
    problems: checksumWarnings(layout, new Map(rows.map((r) => [r.id, r.hash])), 'postgres-migrations'),
  };
};
