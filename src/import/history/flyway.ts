import type { PeerHistoryReader } from '../types.js';
import { checksumWarnings, dirty, peerTable, peerVersionCompare } from './table.js';

interface FlywayRow {
  version: string | null;
  description: string;
  type: string;
  checksum: string | null;
  success: boolean;
}

/**
 * Flyway's `flyway_schema_history(installed_rank, version, description, type, script, checksum, installed_by,
 * installed_on, execution_time, success)`, replayed in installed_rank order: SQL rows apply their version, a
 * BASELINE row stands for every version up to it, UNDO_SQL and DELETE rows take a version back. A repeatable
 * script (version NULL) counts as applied only when its file's checksum is the one Flyway applied last: a
 * changed one is pending, as Flyway would re-run it.
 */
export const readFlywayHistory: PeerHistoryReader = async (client, layout) => {
  const table = await peerTable(client, 'flyway_schema_history', 'Flyway');
  const rows = (
    await client.query<FlywayRow>(
      `SELECT version, description, type, checksum::text, success FROM ${table.display} ORDER BY installed_rank`,
    )
  ).rows;
  const failed = rows.filter((r) => !r.success);
  if (failed.length > 0)
    throw dirty(
      'Flyway',
      `${table.display} records a failed migration (${failed.map((r) => r.version ?? r.description).join(', ')})`,
      'Fix the database by hand, run `flyway repair`',
      { versions: failed.map((r) => r.version) },
    );
  const applied = new Set<string>();
  const checksums = new Map<string, string>();
  const repeatables = new Map<string, string | null>();
  const known = layout.migrations.map((m) => m.peerId);
  const same = (a: string, b: string) => peerVersionCompare(a, b) === 0;
  const idOf = (version: string) => known.find((id) => same(id, version)) ?? version;
  for (const row of rows) {
    if (row.version === null) {
      if (row.type !== 'SCHEMA' && row.type !== 'DELETE') repeatables.set(row.description, row.checksum);
      continue;
    }
    const id = idOf(row.version);
    if (row.type === 'BASELINE' || row.type === 'SQL_BASELINE') {
      for (const k of known) if (peerVersionCompare(k, row.version) <= 0) applied.add(k);
    } else if (row.type === 'UNDO_SQL' || row.type === 'DELETE') applied.delete(id);
    else if (row.type !== 'SCHEMA') {
      applied.add(id);
      if (row.checksum !== null) checksums.set(id, row.checksum);
    }
  }
  const appliedRepeatables = layout.repeatables
    .filter((r) => repeatables.has(r.peerId) && repeatables.get(r.peerId) === r.peerChecksum)
    .map((r) => r.peerId);
  const changed = layout.repeatables.filter((r) => repeatables.has(r.peerId) && !appliedRepeatables.includes(r.peerId));
  return {
    table: table.display,
    applied: [...applied].sort(peerVersionCompare),
    appliedRepeatables,
    problems: [
      ...checksumWarnings(layout, checksums, 'Flyway'),
      ...changed.map((r) => ({
        file: r.sources[0]!,
        severity: 'info' as const,
        code: 'repeatable-changed',
        message: 'changed since Flyway last applied it: it runs on the next migrate, as it would under Flyway',
      })),
    ],
  };
};
