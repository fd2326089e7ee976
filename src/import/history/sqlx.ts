import type { PeerHistoryReader } from '../types.js';
import { dirty, peerTable } from './table.js';

/** sqlx's `_sqlx_migrations(version bigint PRIMARY KEY, description, installed_on, success boolean, checksum, …)`. */
export const readSqlxHistory: PeerHistoryReader = async (client) => {
  const table = await peerTable(client, '_sqlx_migrations', 'sqlx');
  const rows = (
    await client.query<{ version: string; success: boolean }>(
      `SELECT version::text, success FROM ${table.display} ORDER BY version`,
    )
  ).rows;
  const failed = rows.filter((r) => !r.success);
  if (failed.length > 0)
    throw dirty(
      'sqlx',
      `migration ${failed.map((r) => r.version).join(', ')} is recorded as failed (dirty) in ${table.display}`,
      'Fix the database by hand and delete or correct that row',
    );
  return { table: table.display, applied: rows.map((r) => r.version), problems: [] };
};
