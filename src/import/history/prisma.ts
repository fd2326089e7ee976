import type { PeerHistoryReader } from '../types.js';
import { checksumWarnings, dirty, peerTable } from './table.js';

/**
 * Prisma's `_prisma_migrations(id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at,
 * applied_steps_count)`: applied rows have finished_at; rows marked rolled back do not count; a row with
 * neither failed.
 */
export const readPrismaHistory: PeerHistoryReader = async (client, layout) => {
  const table = await peerTable(client, '_prisma_migrations', 'Prisma');
  const rows = (
    await client.query<{ name: string; checksum: string; finished: boolean; rolled_back: boolean }>(
      `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM ${table.display} ORDER BY started_at, migration_name`,
    )
  ).rows;
  const failed = rows.filter((r) => !r.finished && !r.rolled_back);
  if (failed.length > 0)
    throw dirty(
      'Prisma',
      `migration ${failed.map((r) => r.name).join(', ')} failed (no finished_at in ${table.display})`,
      `Fix the database by hand and run \`prisma migrate resolve --applied <name>\` or \`--rolled-back <name>\``,
      { migrations: failed.map((r) => r.name) },
    );
  const applied = rows.filter((r) => r.finished && !r.rolled_back);
  return {
    table: table.display,
    applied: [...new Set(applied.map((r) => r.name))],
    problems: checksumWarnings(layout, new Map(applied.map((r) => [r.name, r.checksum])), 'Prisma'),
  };
};
