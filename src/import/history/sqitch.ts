import type { PeerHistoryReader } from '../types.js';
import { checksumWarnings, peerTable } from './table.js';

/**
 * Sqitch's registry `sqitch.changes(change_id, script_hash, change, project, …)`: one row per deployed change
 * (a failed deploy is reverted by Sqitch and leaves none). Only this plan's project counts.
 */
export const readSqitchHistory: PeerHistoryReader = async (client, layout) => {
  const table = await peerTable(client, 'sqitch.changes', 'Sqitch');
  const project = layout.project;
  const rows = (
    await client.query<{ change: string; hash: string | null }>(
      `SELECT change, script_hash AS hash FROM ${table.display} WHERE $1::text IS NULL OR project = $1 ORDER BY committed_at`,
      [project ?? null],
    )
  ).rows;
  return {
    table: table.display,
    applied: rows.map((r) => r.change),
    problems: checksumWarnings(layout, new Map(rows.filter((r) => r.hash).map((r) => [r.change, r.hash!])), 'Sqitch'),
  };
};
