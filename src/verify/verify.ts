import pg from 'pg';
import type { Migration, MigrationSet } from '../core/migration.js';
import { compareVersions } from '../core/version.js';
import { runUntracked as run, type ExecutionSettings } from '../db/execute-script.js';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { prepareScript, type PreparedScript } from '../sql/prepare-script.js';
import { diffSnapshots, type SchemaDifference } from '../schema/diff.js';
import { snapshotSchema, type SchemaSnapshot, type SnapshotOptions } from '../schema/snapshot.js';
import { describeDifference } from './wording.js';
import { catalogFingerprint, fingerprintChanges, verificationScope } from './scope.js';

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
    if (options.trackingSql) await client.query(options.trackingSql);
    const from = options.from;
    const before = from === undefined ? [] : options.set.migrations.filter((m) => compareVersions(m.version, from) <= 0);
    const tested = options.set.migrations.filter((m) => !before.includes(m));
    // Parse everything first: a syntax error is reported before the scratch database is touched.
    const scripts = new Map(tested.map((m) => [m.version, { up: prepare(m.file, m.upSql), down: m.downSql ? prepare(m.downFile!, m.downSql) : null }]));
    if (!options.fromIsPresent) {
      for (const migration of before) await run(client, prepare(migration.file, migration.upSql), options.settings);
    }
    const results: MigrationVerification[] = [];
    let stopped: string | null = null;
    for (const [index, migration] of tested.entries()) {
      const result = stopped
        ? { version: migration.version, name: migration.name, outcome: 'not-run' as const, differences: [], error: stopped, durationMs: 0 }
        : await verifyOne(client, migration, scripts.get(migration.version)!, options);
      const broken = 'broken' in result && result.broken;
      if (!stopped && (broken || result.outcome === 'up-failed' || result.outcome === 'down-failed')) {
        stopped = `not run: ${migration.version}_${migration.name} left the scratch database in an unknown state`;
      }
      const { broken: _broken, ...report } = result as MigrationVerification & { broken?: boolean };
      results.push(report);
      options.onProgress?.(report, index, tested.length);
    }
    const failed = results.some((r) => FAILURES.has(r.outcome) || (options.requireDown && r.outcome === 'irreversible'));
    return { ok: !failed, scratch: options.scratchDescription, from: from ?? null, results, durationMs: Math.round(performance.now() - started) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The schema as verify compares it: a (possibly scoped) snapshot plus a whole-catalog fingerprint. */
interface SchemaState {
  snapshot: SchemaSnapshot;
  fingerprint: Record<string, number>;
}

async function verifyOne(
  client: pg.Client,
  migration: Migration,
  scripts: { up: PreparedScript; down: PreparedScript | null },
  options: VerifyOptions,
): Promise<MigrationVerification & { broken?: boolean }> {
  const started = performance.now();
  const base = { version: migration.version, name: migration.name, differences: [] as string[] };
  const done = (outcome: VerifyOutcome, extra: Partial<MigrationVerification> & { broken?: boolean } = {}) => ({
    ...base,
    outcome,
    ...extra,
    durationMs: Math.round(performance.now() - started),
  });
  // Only the relations this migration names are snapshotted (cheap); statements that may touch others make
  // it read the whole catalog. The fingerprint catches what moved outside a scoped snapshot.
  const scope = verificationScope([scripts.up, ...(scripts.down ? [scripts.down] : [])]);
  const state = async (): Promise<SchemaState> => ({
    snapshot: await snapshotSchema(client, scope ? { ...options.snapshot, onlyRelations: scope } : options.snapshot),
    fingerprint: await catalogFingerprint(client),
  });
  const differences = (before: SchemaState, after: SchemaState, check: 'down' | 'up'): string[] => {
    const found = significant(diffSnapshots(before.snapshot, after.snapshot)).map((d) => describeDifference(d, check));
    return found.length > 0 ? found : fingerprintChanges(before.fingerprint, after.fingerprint);
  };
  const previous = await state();
  const up = await attempt(() => run(client, scripts.up, options.settings));
  if (up) return done('up-failed', { error: up });
  if (!scripts.down) return done('irreversible', { error: `no ${migration.version}_${migration.name}.down.sql` });
  const applied = await state();
  const down = await attempt(() => run(client, scripts.down!, options.settings));
  if (down) return done('down-failed', { error: down });
  const notRestored = differences(previous, await state(), 'down');
  const again = await attempt(() => run(client, scripts.up, options.settings));
  if (notRestored.length > 0) {
    // The down is the culprit; an up that then fails (its objects still exist) is a consequence, noted.
    if (again) return done('down-does-not-restore', { differences: notRestored, error: `then the up failed when run again: ${again}`, broken: true });
    return done('down-does-not-restore', { differences: notRestored });
  }
  if (again) return done('up-not-repeatable', { error: `up failed when run again after its down: ${again}`, broken: true });
  const notRepeated = differences(applied, await state(), 'up');
  if (notRepeated.length > 0) return done('up-not-repeatable', { differences: notRepeated });
  return done('ok');
}

function significant(differences: SchemaDifference[]): SchemaDifference[] {
  return differences.filter((d) => d.severity === 'error');
}

async function attempt(fn: () => Promise<void>): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    if (error instanceof OgelError) return error.message;
    throw error;
  }
}
