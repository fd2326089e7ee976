import pg from 'pg';
import type { Migration, MigrationSet } from '../core/migration.js';
import { compareVersions } from '../core/version.js';
import { runUntracked, runUntrackedWith, TrailingStatementsFailed, type ExecutionSettings, type TrailingRows } from '../db/execute-script.js';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { prepareScript, type PreparedScript } from '../sql/prepare-script.js';
import { diffSnapshots, type SchemaDifference } from '../schema/diff.js';
import type { SnapshotOptions } from '../schema/snapshot.js';
import { describeDifference } from './wording.js';
import { fingerprintChanges, verificationScope, type VerificationScope } from './scope.js';
import { StateReader, type SchemaState, type StateRequest } from './state-reader.js';

export type VerifyOutcome = 'ok' | 'irreversible' | 'down-does-not-restore' | 'up-not-repeatable' | 'up-failed' | 'down-failed' | 'not-run';

export interface MigrationVerification {
  version: string;
  name: string;
  outcome: VerifyOutcome;
  /** What differs, worded for the check that failed (e.g. `index platform.projects_tags_idx still exists`). */
  differences: string[];
  error?: string;
  durationMs: number;
}

export interface VerifyReport {
  ok: boolean;
  scratch: string;
  from: string | null;
  results: MigrationVerification[];
  durationMs: number;
}

export interface VerifyOptions {
  set: MigrationSet;
  /** An empty (or already-at-`from`) database that verify may change freely. */
  scratchUrl: string;
  scratchDescription: string;
  settings: ExecutionSettings;
  snapshot: SnapshotOptions;
  /** Migrations ≤ from are applied without checks (or are already there, see `fromIsPresent`); later ones are tested. */
  from?: string;
  /** The scratch database already holds the schema at `from` (cloned with pg_dump --schema-only). */
  fromIsPresent?: boolean;
  /** Creates the tracking tables first, as a real run has them (their schema may be the migrations' too). */
  trackingSql?: string;
  /** Treat a migration without a down file as a failure. */
  requireDown?: boolean;
  onProgress?: (result: MigrationVerification, index: number, total: number) => void;
}

const FAILURES: ReadonlySet<VerifyOutcome> = new Set(['down-does-not-restore', 'up-not-repeatable', 'up-failed', 'down-failed']);

/**
 * Rollback testing: for each migration N, up → S(N), down → must equal S(N-1), up again → must equal S(N).
 * Everything runs on one connection to the scratch database without tracking writes, and snapshots come from
 * the catalogs, so the comparison is of the real schema, not of what the files claim.
 */
export async function verifyMigrations(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  await ensureParser();
  const client = new pg.Client({ connectionString: options.scratchUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    const serverVersion = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
    const prepare = (file: string, sql: string) => prepareScript(file, sql, serverVersion);
    // On the scripts' own connection: a reader on a second one was measured slower (two busy backends).
    const reader = new StateReader(client, options.snapshot);
    // Like a tracked run, the session is reset only after a script that may have changed it.
    let dirty = true;
    const run: RunScript = async (script, reads = []) => {
      const reset = dirty;
      dirty = script.changesSession;
      if (reads.length === 0) {
        await runUntracked(client, script, options.settings, reset);
        return [];
      }
      // The reads of the state the script leaves travel in its message, after its COMMIT: one round trip.
      const trailing = reader.trailing(reads, reset);
      let rows: TrailingRows | null;
      try {
        rows = await runUntrackedWith(client, script, options.settings, reset, trailing.statements);
      } catch (error) {
        if (!(error instanceof TrailingStatementsFailed)) throw error;
        await reader.relearnPrepared();
        return reader.states(reads);
      }
      return rows ? trailing.states(rows) : reader.states(reads);
    };
    if (options.trackingSql) await client.query(options.trackingSql);
    const from = options.from;
    const before = from === undefined ? [] : options.set.migrations.filter((m) => compareVersions(m.version, from) <= 0);
    const tested = options.set.migrations.filter((m) => !before.includes(m));
    // Parse everything first: a syntax error is reported before the scratch database is touched.
    const scripts = tested.map((m) => ({ up: prepare(m.file, m.upSql), down: m.downSql ? prepare(m.downFile!, m.downSql) : null }));
    if (!options.fromIsPresent) {
      for (const migration of before) await run(prepare(migration.file, migration.upSql));
    }
    const scopes = scripts.map((script) => verificationScope([script.up, ...(script.down ? [script.down] : [])]));
    const results: MigrationVerification[] = [];
    let stopped: string | null = null;
    let carried: SchemaState | undefined;
    for (const [index, migration] of tested.entries()) {
      const result: MigrationVerification & { broken?: boolean; next?: SchemaState } = stopped
        ? { version: migration.version, name: migration.name, outcome: 'not-run', differences: [], error: stopped, durationMs: 0 }
        : await verifyOne(run, reader, migration, scripts[index]!, { scope: scopes[index]!, nextScope: scopes[index + 1], previous: carried }, options);
      carried = result.next;
      if (!stopped && (result.broken || result.outcome === 'up-failed' || result.outcome === 'down-failed')) {
        stopped = `not run: ${migration.version}_${migration.name} left the scratch database in an unknown state`;
      }
      const { broken: _broken, next: _next, ...report } = result;
      results.push(report);
      options.onProgress?.(report, index, tested.length);
    }
    const failed = results.some((r) => FAILURES.has(r.outcome) || (options.requireDown && r.outcome === 'irreversible'));
    return { ok: !failed, scratch: options.scratchDescription, from: from ?? null, results, durationMs: Math.round(performance.now() - started) };
  } finally {
    await client.end().catch(() => {});
  }
}

interface Scopes {
  /** What this migration can change (null: the whole catalog). */
  scope: VerificationScope | null;
  /** The next migration's: its before-state is read together with this one's last state. */
  nextScope: VerificationScope | null | undefined;
  /** This migration's before-state, if the previous migration read it already. */
  previous: SchemaState | undefined;
}

/** Runs a script, then reads the states `reads` asks for, in order (a script that fails throws). */
type RunScript = (script: PreparedScript, reads?: readonly StateRequest[]) => Promise<SchemaState[]>;

async function verifyOne(
  run: RunScript,
  reader: StateReader,
  migration: Migration,
  scripts: { up: PreparedScript; down: PreparedScript | null },
  { scope, nextScope, previous: carried }: Scopes,
  options: VerifyOptions,
): Promise<MigrationVerification & { broken?: boolean; next?: SchemaState }> {
  const started = performance.now();
  const base = { version: migration.version, name: migration.name, differences: [] as string[] };
  const done = (outcome: VerifyOutcome, extra: Partial<MigrationVerification> & { broken?: boolean; next?: SchemaState } = {}) => ({
    ...base,
    outcome,
    ...extra,
    durationMs: Math.round(performance.now() - started),
  });
  const differences = (before: SchemaState, after: SchemaState, check: 'down' | 'up'): string[] => {
    const found = significant(diffSnapshots(before.snapshot, after.snapshot)).map((d) => describeDifference(d, check));
    return found.length > 0 || !before.fingerprint || !after.fingerprint ? found : fingerprintChanges(before.fingerprint, after.fingerprint);
  };
  // The next migration's before-state, read at the moment this one leaves the database as it will stay.
  const nextBefore: StateRequest[] = nextScope !== undefined ? [{ scope: nextScope, expectAbsence: true }] : [];
  // Only the relations this migration names are snapshotted (cheap); statements that may touch others make
  // it read the whole catalog. The fingerprint catches what the down left changed outside a scoped snapshot
  // (the up-again check compares scoped snapshots only). Most migrations create what they name, and their down
  // drops it: "none of it exists" is then the whole before-state, and a far cheaper read.
  const previous = carried ?? (await reader.state(scope, { expectAbsence: true }));
  const up = await attempt(() => run(scripts.up, scripts.down ? [{ scope, fingerprint: false }] : nextBefore));
  if (typeof up === 'string') return done('up-failed', { error: up });
  if (!scripts.down) return done('irreversible', { error: `no ${migration.version}_${migration.name}.down.sql`, ...(up[0] ? { next: up[0] } : {}) });
  const applied = up[0]!;
  const down = await attempt(() => run(scripts.down!, [{ scope, expectAbsence: isEmpty(previous) }]));
  if (typeof down === 'string') return done('down-failed', { error: down });
  const notRestored = differences(previous, down[0]!, 'down');
  const again = await attempt(() => run(scripts.up, [{ scope, fingerprint: false }, ...nextBefore]));
  if (notRestored.length > 0) {
    // The down is the culprit; an up that then fails (its objects still exist) is a consequence, noted.
    if (typeof again === 'string') return done('down-does-not-restore', { differences: notRestored, error: `then the up failed when run again: ${again}`, broken: true });
    return done('down-does-not-restore', { differences: notRestored });
  }
  if (typeof again === 'string') return done('up-not-repeatable', { error: `up failed when run again after its down: ${again}`, broken: true });
  const [repeated, next] = again;
  const notRepeated = differences(applied, repeated!, 'up');
  if (notRepeated.length > 0) return done('up-not-repeatable', { differences: notRepeated });
  return done('ok', next ? { next } : {});
}

function isEmpty(state: SchemaState): boolean {
  return Object.keys(state.snapshot.objects).length === 0;
}

function significant(differences: SchemaDifference[]): SchemaDifference[] {
  return differences.filter((d) => d.severity === 'error');
}

/** What `fn` returned, or the message of the OgelError it threw (a script that failed). */
async function attempt<T>(fn: () => Promise<T>): Promise<T | string> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof OgelError) return error.message;
    throw error;
  }
}
