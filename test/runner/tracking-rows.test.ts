import { describe, expect, it } from 'vitest';
import { createTrackingTablesSql, DEFAULT_TRACKING, qualify, readAppliedRows } from '../../src/db/tracking-store.js';
import { createTestDatabase, withClient } from '../harness/db.js';

// The rows travel as one JSON array built by the server; they must read exactly as node-postgres' rows would
// (timestamps as the ISO text of the Date it builds).
describe('reading the tracking table', () => {
  it('gives the same values node-postgres parses from plain rows, including awkward text and timestamps', async () => {
    const db = await createTestDatabase();
    const tracking = qualify(DEFAULT_TRACKING);
    await withClient(db.url, async (client) => {
      expect(await readAppliedRows(client, tracking)).toEqual([]);
      await client.query(createTrackingTablesSql(tracking));
      expect(await readAppliedRows(client, tracking)).toEqual([]);
      await client.query(
        `INSERT INTO ${tracking.table} (version, name, checksum, down_checksum, kind, status, applied_at, applied_by, execution_ms, error) VALUES
         ('001', 'a', 'sha256:aa', 'sha256:bb', 'migration', 'applied', '2026-01-02 03:04:05.123999+00', 'postgres ci', 12, NULL),
         ('002', 'b', 'sha256:cc', NULL, 'baseline', 'applied', NULL, 'postgres x', NULL, NULL),
         ('003', 'c', 'sha256:dd', NULL, 'migration', 'failed', '1999-12-31 23:59:59.999+05:30', E'tab\\there "quoted" \\\\ ünïcødé', 7, E'line 1\\nline 2\\t"x" \\\\ \\u2028')`,
      );
      await client.query("SET TimeZone = 'America/New_York'");
      const ours = await readAppliedRows(client, tracking);
      const plain = await client.query(
        `SELECT version, name, checksum, down_checksum, kind, status, applied_at, applied_by, execution_ms, error FROM ${tracking.table}`,
      );
      const byVersion = <T extends { version: string }>(rows: T[]): T[] =>
        [...rows].sort((a, b) => a.version.localeCompare(b.version));
      expect(byVersion(ours)).toEqual(
        byVersion(plain.rows).map((r) => ({
          version: r.version,
          name: r.name,
          checksum: r.checksum,
          downChecksum: r.down_checksum,
          kind: r.kind,
          status: r.status,
          appliedAt: r.applied_at === null ? null : (r.applied_at as Date).toISOString(),
          appliedBy: r.applied_by,
          executionMs: r.execution_ms,
          error: r.error,
        })),
      );
      expect(byVersion(ours)[0]!.appliedAt).toBe('2026-01-02T03:04:05.123Z');
      expect(byVersion(ours)[2]!.error).toBe('line 1\nline 2\t"x" \\ \u2028');
    });
  });
});
