import type { PeerHistoryReader } from '../types.js';
import { dirty, peerTable, peerVersionCompare } from './table.js';

/**
 * golang-migrate's `schema_migrations(version bigint, dirty boolean)`: one row, the last version applied (it
 * applies in order, so every lower version ran too). `dirty` means that version failed part-way.
 */
export const readGolangMigrateHistory: PeerHistoryReader = async (client, layout) => {
  const table = await peerTable(client, 'schema_migrations', 'golang-migrate');
  if (!table.columns.has('dirty'))
    throw dirty(
      'golang-migrate',
      `${table.display} has no "dirty" column: it is not golang-migrate's (dbmate's?)`,
      'Check --from',
    );
  const rows = (
    await client.query<{ version: string; dirty: boolean }>(`SELECT version::text, dirty FROM ${table.display}`)
  ).rows;
  const row = rows[0];
  if (row?.dirty)
    throw dirty(
      'golang-migrate',
      `version ${row.version} is marked dirty in ${table.display} (it failed part-way)`,
      `Finish or undo its changes by hand, run \`migrate force <the version it should be at>\``,
      { version: row.version },
    );
  const current = row?.version;
  return {
    table: table.display,
    applied:
      current === undefined
        ? []
        : layout.migrations.map((m) => m.peerId).filter((id) => peerVersionCompare(id, current) <= 0),
    problems: [],
  };
};
