import type { AppliedRow, IgnoredFile, Migration, MigrationSet } from './migration.js';
import { isRepeatableVersion } from './file-names.js';
import { maxVersion, normalizeVersion, sortByVersion } from './version.js';

/** The version a database is at: the highest applied versioned migration (repeatables have no place in it). */
export function currentVersion(rows: readonly Pick<AppliedRow, 'version' | 'status'>[]): string | null {
  const applied: string[] = [];
  for (const row of rows) if (row.status === 'applied' && !isRepeatableVersion(row.version)) applied.push(row.version);
  return maxVersion(applied);
}

export type MigrationState = 'applied' | 'pending' | 'modified' | 'missing' | 'failed';

/** One line of `status`: a file, a tracking row, or both. */
export interface MigrationStatus {
  version: string;
  name: string;
  state: MigrationState;
  /** The file's checksum, or the recorded one when the file is missing. */
  checksum: string;
  /** What the tracking table recorded, when it differs from the file (`modified`). */
  appliedChecksum: string | null;
  appliedAt: string | null;
  appliedBy: string | null;
  executionMs: number | null;
  kind: 'migration' | 'baseline' | null;
  /** An `R_name.sql` migration: `pending` when it is new or changed since it was last applied. */
  repeatable: boolean;
  reversible: boolean;
  /** Why a migration is `failed`. */
  error: string | null;
  migration: Migration | null;
  row: AppliedRow | null;
}

export interface StatusCounts {
  applied: number;
  pending: number;
  modified: number;
  missing: number;
  failed: number;
}

export interface StatusReport {
  table: string;
  /** Highest version recorded as applied, or null on an empty database. */
  current: string | null;
  counts: StatusCounts;
  migrations: MigrationStatus[];
  ignored: IgnoredFile[];
}

/**
 * Joins the files on disk with the tracking rows. Pure: the whole of "what state is each migration in" lives
 * here so the CLI, HTTP service and dashboard cannot disagree.
 */
export function computeStatus(table: string, set: MigrationSet, rows: readonly AppliedRow[]): StatusReport {
  const rowKeys = rows.map((row) => normalizeVersion(row.version));
  const rowsByVersion = new Map<string, AppliedRow>();
  for (let i = 0; i < rows.length; i++) rowsByVersion.set(rowKeys[i]!, rows[i]!);
  const entries: MigrationStatus[] = [];
  let joined = 0;
  for (const migration of set.migrations) {
    const row = rowsByVersion.get(normalizeVersion(migration.version)) ?? null;
    if (row) joined++;
    entries.push(entry(migration, row, stateOf(migration, row)));
  }
  const repeatables: MigrationStatus[] = [];
  for (const migration of set.repeatables) {
    const row = rowsByVersion.get(migration.version) ?? null;
    if (row) joined++;
    repeatables.push(entry(migration, row, repeatableStateOf(migration, row)));
  }
  // Every row found its own file (the usual case): no rows without a file to look for.
  if (joined < rows.length) {
    const withFile = new Set(set.migrations.map((migration) => normalizeVersion(migration.version)));
    for (const migration of set.repeatables) withFile.add(migration.version);
    const count = entries.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (withFile.has(rowKeys[i]!)) continue;
      const missing = entry(null, row, row.status === 'applied' ? 'missing' : 'failed');
      (missing.repeatable ? repeatables : entries).push(missing);
    }
    // Files are already in order; only rows without a file need placing.
    if (entries.length > count) sortByVersion(entries);
    repeatables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  // Repeatable migrations run after the versioned ones, so they are listed after them.
  for (const e of repeatables) entries.push(e);
  const counts: StatusCounts = { applied: 0, pending: 0, modified: 0, missing: 0, failed: 0 };
  for (const e of entries) counts[e.state]++;
  return { table, current: currentVersion(rows), counts, migrations: entries, ignored: set.ignored };
}

/** A changed repeatable migration is not `modified` (which blocks a run): it is due to be applied again. */
function repeatableStateOf(migration: Migration, row: AppliedRow | null): MigrationState {
  if (!row) return 'pending';
  if (row.status !== 'applied') return 'failed';
  return row.checksum === migration.checksum ? 'applied' : 'pending';
}

function stateOf(migration: Migration, row: AppliedRow | null): MigrationState {
  if (!row) return 'pending';
  if (row.status !== 'applied') return 'failed';
  return row.checksum === migration.checksum ? 'applied' : 'modified';
}

function entry(migration: Migration | null, row: AppliedRow | null, state: MigrationState): MigrationStatus {
  return {
    version: migration?.version ?? row!.version,
    name: migration?.name ?? row!.name,
    state,
    checksum: migration?.checksum ?? row!.checksum,
    appliedChecksum: row && migration && row.checksum !== migration.checksum ? row.checksum : null,
    appliedAt: row?.appliedAt ?? null,
    appliedBy: row?.appliedBy ?? null,
    executionMs: row?.executionMs ?? null,
    kind: row?.kind ?? null,
    repeatable: migration ? migration.repeatable === true : isRepeatableVersion(row!.version),
    // An empty down file is a down that does nothing: the migration is reversible.
    reversible: migration?.downFile !== undefined,
    error:
      row?.status === 'running'
        ? 'interrupted: the runner stopped inside this no-transaction migration'
        : (row?.error ?? null),
    migration,
    row,
  };
}
