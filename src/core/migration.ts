/** One migration as found on disk: an up file and, optionally, its down file. */
export interface Migration {
  version: string;
  name: string;
  /** File name of the up script, relative to the migrations directory. */
  file: string;
  upSql: string;
  checksum: string;
  downFile?: string;
  downSql?: string;
  downChecksum?: string;
  /** A repeatable migration (`R_name.sql`): re-applied whenever its checksum changes, never reverted. */
  repeatable?: true;
}

/** A row of the tracking table. */
export interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
  downChecksum: string | null;
  kind: 'migration' | 'baseline';
  /** `running` is left behind only by a runner that died inside a no-transaction migration. */
  status: 'applied' | 'failed' | 'running';
  /** When it was applied: ISO 8601 in UTC to the millisecond (`2026-01-02T03:04:05.123Z`); null for a baseline. */
  appliedAt: string | null;
  appliedBy: string;
  executionMs: number | null;
  error: string | null;
}

export interface IgnoredFile {
  file: string;
  reason: string;
}

/** Everything a migrations directory holds, already validated. */
export interface MigrationSet {
  dir: string;
  migrations: Migration[];
  /** `R_name.sql` files, in name order: applied after the versioned ones whenever they change. */
  repeatables: Migration[];
  ignored: IgnoredFile[];
}
