import { compareVersions, normalizeVersion } from '../core/version.js';
import type { AppliedRow } from '../core/migration.js';
import { readAppliedRows } from '../db/tracking-store.js';
import { diffSnapshots, type SchemaDifference } from '../schema/diff.js';
import { snapshotSchema } from '../schema/snapshot.js';
import type { MigrationRunner } from '../runner/runner.js';

export interface MigrationDifference {
  version: string;
  name: string;
  left: { status: string; checksum: string } | null;
  right: { status: string; checksum: string } | null;
  reason: 'only-left' | 'only-right' | 'checksum' | 'status';
}

export interface EnvironmentDiff {
  left: string;
  right: string;
  migrations: MigrationDifference[];
  /** `removed` = only in left, `added` = only in right. */
  schema: SchemaDifference[];
  same: boolean;
}

/** Tracking rows on one side only or with different checksums. Pure. */
export function diffAppliedRows(left: readonly AppliedRow[], right: readonly AppliedRow[]): MigrationDifference[] {
  const l = new Map(left.map((r) => [normalizeVersion(r.version), r]));
  const r = new Map(right.map((row) => [normalizeVersion(row.version), row]));
  const out: MigrationDifference[] = [];
  for (const key of new Set([...l.keys(), ...r.keys()])) {
    const a = l.get(key);
    const b = r.get(key);
    const side = (row: AppliedRow | undefined) => (row ? { status: row.status, checksum: row.checksum } : null);
    const reason = !b
      ? 'only-left'
      : !a
        ? 'only-right'
        : a.checksum !== b.checksum
          ? 'checksum'
          : a.status !== b.status
            ? 'status'
            : null;
    if (reason) out.push({ version: (a ?? b)!.version, name: (a ?? b)!.name, left: side(a), right: side(b), reason });
  }
  return out.sort((x, y) => compareVersions(x.version, y.version));
}

/** Two databases side by side: which migrations each has run, and how their real schemas differ. */
export async function compareDatabases(
  left: { label: string; runner: MigrationRunner },
  right: { label: string; runner: MigrationRunner },
): Promise<EnvironmentDiff> {
  const read = (runner: MigrationRunner) =>
    runner.withSession(async (session) => ({
      rows: await readAppliedRows(session.client, runner.tracking),
      snapshot: await snapshotSchema(session.client, { excludeTables: runner.trackingTables() }),
    }));
  const [a, b] = await Promise.all([read(left.runner), read(right.runner)]);
  const migrations = diffAppliedRows(a.rows, b.rows);
  const schema = diffSnapshots(a.snapshot, b.snapshot).filter((d) => d.severity === 'error');
  return {
    left: left.label,
    right: right.label,
    migrations,
    schema,
    same: migrations.length === 0 && schema.length === 0,
  };
}
