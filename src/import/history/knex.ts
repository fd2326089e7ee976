import type { PeerHistoryReader } from '../types.js';
import { dirty, peerTable } from './table.js';

/**
 * knex's `knex_migrations(id, name, batch, migration_time)`, one row per migration file run, and
 * `knex_migrations_lock(index, is_locked)`: a lock left set means a run is going on or died holding it.
 */
export const readKnexHistory: PeerHistoryReader = async (client) => {
  const table = await peerTable(client, 'knex_migrations', 'knex');
  const lockTable = (
    await client.query<{ name: string | null }>("SELECT to_regclass('knex_migrations_lock')::text AS name")
  ).rows[0]?.name;
  if (lockTable) {
    const lock = await client.query<{ locked: boolean }>(
      `SELECT coalesce(bool_or(is_locked = 1), false) AS locked FROM ${lockTable}`,
    );
    if (lock.rows[0]?.locked)
      throw dirty(
        'knex',
        `${lockTable} is set: a knex run is going on or died holding it`,
        'Once no knex run is going on, run `knex migrate:unlock`',
      );
  }
  const rows = (await client.query<{ name: string }>(`SELECT name FROM ${table.display} ORDER BY id`)).rows;
  return { table: table.display, applied: rows.map((r) => r.name), problems: [] };
};
