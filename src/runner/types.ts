import type pg from 'pg';
import type { Migration } from '../core/migration.js';
import type { StatusReport } from '../core/status.js';
import type { Operation } from './events.js';
import type { MigrationSource } from '../source/file-source.js';
import type { LintFinding } from '../lint/index.js';
import type { PlaceholderValues } from '../core/placeholders.js';
import type { ScriptCache } from './script-cache.js';
import type { ParsedStatement } from '../sql/parser.js';

/** Options and typed results of MigrationRunner: what the CLI, the HTTP service and embedders render. */
export interface MigrationRunnerOptions {
  /** `postgres://` or `postgresql://` URL. This, `pool` or both; without either only offline checks work. */
  databaseUrl?: string;
  /**
   * A pool the embedder owns; the runner borrows one connection per operation and hands it back as it found
   * it. With `databaseUrl` as well, only read-only calls borrow from it: each run that takes the migration
   * lock opens a connection of its own from the URL (which verify, drift and backups need anyway).
   */
  pool?: pg.Pool;
  /** Migrations directory (default `./migrations`), or a custom `source`. */
  dir?: string;
  source?: MigrationSource;
  /** File-name globs to ignore (default `test_*.sql`). */
  ignore?: string[];
  /** Tracking location (default `platform.schema_migrations` and `platform.schema_migration_events`). */
  schema?: string;
  table?: string;
  eventsTable?: string;
  /** lock_timeout per migration statement (default 5000 ms). */
  lockTimeoutMs?: number;
  /** statement_timeout per migration statement (default: the server's or role's setting; 0 = none). */
  statementTimeoutMs?: number;
  /** Retries of a migration whose lock_timeout fired (default 5), with exponential backoff and jitter. */
  lockRetries?: number;
  retryBaseMs?: number;
  /** How long to wait for another runner's migration lock before failing with LOCK_TIMEOUT (default 60 s). */
  lockWaitMs?: number;
  /** Names the runner in `applied_by` and events: `cli`, `http`, … (default `library`). */
  clientName?: string;
  /**
   * What this database is called (an environment name such as `prod`). Plan ids are scoped to it, so a plan
   * reviewed for staging can never confirm a run on prod. Default: the tracking table's name.
   */
  name?: string;
  /**
   * Values for `${name}` placeholders in the SQL (a tenant's schema): given, every `${name}` in the files is
   * replaced (after checksumming, so the tracking table records the template's checksum), an unknown one is
   * UNKNOWN_PLACEHOLDER before anything runs, and the values are recorded in every event of a run. Without it
   * the SQL runs as written.
   */
  placeholders?: PlaceholderValues;
  /** Parsed scripts shared with other runners (a fleet run parses each distinct file text once). */
  scripts?: ScriptCache;
}

/** Per-call options of the operations that change the database. */
export interface RunOptions {
  /** Only plan and report; change nothing (no lock is taken). */
  dryRun?: boolean;
  /** Called under the lock with what is about to run; throwing aborts the run before anything changes. */
  beforeApply?: BeforeApply;
  /** Overrides the runner's lock wait for this call (0: fail at once with LOCK_TIMEOUT if another run holds it). */
  lockWaitMs?: number;
  /** Who asked for this run (`token ci-staging`, `cli:alice`); recorded in applied_by and every event of the run. */
  actor?: string;
  /** Recorded in the details of every event of the run: the confirmation given, a force reason, … */
  audit?: Record<string, unknown>;
  /**
   * Stops the run (the CLI aborts it on Ctrl-C and SIGTERM): a wait for the lock ends, the running migration's
   * statement is cancelled on the server (a transactional migration rolls back with its tracking row; a
   * no-transaction one is recorded as failed), nothing after it starts, the lock is released, and the call
   * throws INTERRUPTED. A migration that committed before the signal stays applied.
   */
  signal?: AbortSignal;
  /**
   * Ends the run between migrations (serve's shutdown): a wait for the lock ends, the running migration
   * finishes and stays applied, nothing after it starts, the lock is released, and the call throws INTERRUPTED.
   */
  stopSignal?: AbortSignal;
}

/** What a run is about to do, handed to `beforeApply` under the migration lock. */
export interface BeforeApplyContext {
  runId: string;
  operation: Operation;
  /** What is about to run or be recorded, in order (for rollback: newest first). */
  migrations: Migration[];
  /** The tracking table as read under the lock. */
  report: StatusReport;
  /** The id of this plan (see planIdOf): equal to the dry run's id when nothing changed in between. */
  planId: string;
  /**
   * The statements of each script about to run, parsed already (same order as `migrations`; migrate and
   * rollback only): a hook that inspects them (the backup policy) need not parse every file a second time.
   */
  statements?: ReadonlyArray<readonly ParsedStatement[]>;
}

/**
 * Called under the lock with what is about to run; throwing aborts the run before anything changes. It may
 * return details (a backup's id) to record in every event of the run.
 */
export type BeforeApply = (context: BeforeApplyContext) => Promise<void | { audit?: Record<string, unknown> }>;

export interface PlannedMigration {
  version: string;
  name: string;
  file: string;
  transactional: boolean;
  modeReason: string;
  statements: number;
  /** Dry runs only: each statement with the table locks it takes (from the parser). */
  steps?: Array<{ line: number; statement: string; locks: string[] }>;
  /** Dry runs of migrate only: the linter's findings for this file. */
  findings?: LintFinding[];
}

export interface AppliedMigration {
  version: string;
  name: string;
  file: string;
  transactional: boolean;
  durationMs: number;
}

export interface MigrateResult {
  runId: string;
  dryRun: boolean;
  /** The plan's id: what a confirmation of a protected environment names. */
  planId: string;
  /** What ran (or, for a dry run, what would run), in order. */
  planned: PlannedMigration[];
  applied: AppliedMigration[];
  current: string | null;
  lockWaitMs: number;
}

export interface RollbackResult {
  runId: string;
  dryRun: boolean;
  planId: string;
  planned: PlannedMigration[];
  reverted: AppliedMigration[];
  current: string | null;
}

/** Everything pending up to a version, or exactly these versions (another tool's history, named in `details`). */
export type BaselineOptions =
  | { to: string }
  | {
      versions: string[];
      /** Added to each baseline event's details, e.g. `{ peer: 'dbmate', peerTable: 'public.schema_migrations' }`. */
      details?: Record<string, unknown>;
    };

export interface BaselineResult {
  runId: string;
  dryRun: boolean;
  planId: string;
  baselined: Array<{ version: string; name: string }>;
}

export interface RepairResult {
  runId: string;
  dryRun: boolean;
  planId: string;
  removedFailed: string[];
  markedApplied: string[];
  realigned: string[];
  removedMissing: string[];
}

export interface ValidationProblem {
  code: string;
  message: string;
  file?: string;
  version?: string;
}

export interface ValidateResult {
  ok: boolean;
  migrations: number;
  problems: ValidationProblem[];
}
