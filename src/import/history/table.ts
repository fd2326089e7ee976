import type pg from 'pg';
import { OgelError } from '../../errors.js';
import type { ImportLayout, ImportProblem } from '../types.js';

/**
 * The peer's table as the database's search_path finds it (peers create theirs unqualified), with its
 * columns; NOT_FOUND when this database has none, naming where it was looked for.
 */
export async function peerTable(
  client: pg.ClientBase,
  name: string,
  tool: string,
): Promise<{ display: string; columns: Set<string> }> {
  const result = await client.query<{ display: string | null; columns: string[] | null }>(
    `SELECT c.oid::regclass::text AS display,
            (SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped) AS columns
       FROM (SELECT to_regclass($1) AS oid) AS c WHERE c.oid IS NOT NULL`,
    [name],
  );
  const row = result.rows[0];
  if (!row?.display)
    throw new OgelError(
      'NOT_FOUND',
      `No ${tool} history in this database: table ${name} does not exist (on its search_path)`,
      { table: name, tool },
    );
  return { display: row.display, columns: new Set(row.columns ?? []) };
}

/** Refuses a peer state that needs a human first: nothing is written or recorded. */
export function dirty(tool: string, message: string, fix: string, details: Record<string, unknown> = {}): OgelError {
  return new OgelError('PEER_STATE_DIRTY', `${tool}: ${message}. ${fix}, then run import again. Nothing was written.`, {
    tool,
    ...details,
  });
}

/** Warnings for applied migrations whose file changed since the peer applied it (by the peer's own checksum). */
export function checksumWarnings(layout: ImportLayout, recorded: Map<string, string>, tool: string): ImportProblem[] {
  const problems: ImportProblem[] = [];
  for (const m of layout.migrations) {
    const checksum = recorded.get(m.peerId);
    if (checksum === undefined || m.peerChecksum === undefined || checksum === m.peerChecksum) continue;
    problems.push({
      file: m.sources[0]!,
      severity: 'warning',
      code: 'changed-since-applied',
      message: `changed since ${tool} applied it (its checksum ${checksum}, the file's ${m.peerChecksum}): recorded as applied with the file as it is now`,
    });
  }
  return problems;
}

/** Compares versions made of digit groups numerically (`9` < `10`, `1.1` < `1.10`), trailing `.0` groups ignored. */
export function peerVersionCompare(a: string, b: string): number {
  const parts = (v: string) => v.split('.').map((p) => BigInt(p));
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0n) - (y[i] ?? 0n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}
