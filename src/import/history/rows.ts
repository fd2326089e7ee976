import type pg from 'pg';
import type { PeerHistory } from '../types.js';
import { peerTable } from './table.js';

/** A peer whose table is one row per applied migration, keyed by one column: dbmate, diesel, pop, Supabase. */
export async function readKeyColumn(
  client: pg.ClientBase,
  options: { table: string; column: string; tool: string; normalize?: (value: string) => string },
): Promise<PeerHistory> {
  const table = await peerTable(client, options.table, options.tool);
  const rows = (
    await client.query<{ id: string }>(`SELECT ${options.column}::text AS id FROM ${table.display} ORDER BY 1`)
  ).rows;
  return {
    table: table.display,
    applied: rows.map((r) => (options.normalize ? options.normalize(r.id) : r.id)),
    problems: [],
  };
}
