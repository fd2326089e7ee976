import type pg from 'pg';
import { connectClient } from '../db/connect.js';
import { migrationLabel } from '../core/file-names.js';
import { cancelBackend } from '../db/session.js';
import { stopReason as signalName } from '../db/interrupted.js';
import type { Migration, MigrationSet } from '../core/migration.js';
import { compareVersions } from '../core/version.js';
import {
  runUntracked,
  runUntrackedWith,
  TrailingStatementsFailed,
  type ExecutionSettings,
  type TrailingRows,
} from '../db/execute-script.js';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { prepareScript, type PreparedScript } from '../sql/prepare-script.js';
import { lazyProcedureIndex } from '../sql/procedural-control.js';
import { diffSnapshots, type SchemaDifference } from '../schema/diff.js';
import type { SnapshotOptions } from '../schema/snapshot.js';
import { describeDifference } from './wording.js';
import { fingerprintChanges, verificationScope, type VerificationScope } from './scope.js';
import { StateReader, type SchemaState, type StateRequest } from './state-reader.js';

export type VerifyOutcome =
  'ok' | 'irreversible' | 'down-does-not-restore' | 'up-not-repeatable' | 'up-failed' | 'down-failed' | 'not-run';

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
  /** Set when the signal stopped the test (`SIGTERM`): the results so far, the rest `not-run`. */
  interrupted?: string;
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
  /** Another empty database on the scratch server: with it, up to `jobs` segments are tested in parallel. */
  createSibling?: () => Promise<{ url: string; drop(): Promise<void> }>;
  /** How many databases test segments of the migrations at once (default 1). */
  jobs?: number;
  /**
   * Stops the test (Ctrl-C): the running statements are cancelled, the migration they belonged to and every
   * later one are reported `not-run`, and the report so far is returned with `interrupted` set.
   */
  signal?: AbortSignal;
}

const FAILURES: ReadonlySet<VerifyOutcome> = new Set([
  'down-does-not-restore',
  'up-not-repeatable',
  'up-failed',
  'down-failed',
]);

/**
 * Parallel segments only pay off past this many migrations each: a segment costs a CREATE DATABASE and the
 * plain apply of every migration before it.
 */
export const MIN_SEGMENT = 16;

/**
 * Rollback testing: for each migration N, up → S(N), down → must equal S(N-1), up again → must equal S(N).
 * Everything runs without tracking writes, and snapshots come from the catalogs, so the comparison is of the
 * real schema, not of what the files claim. With `jobs` > 1 the migrations are cut into contiguous segments,
 * each tested on a database of its own brought to the segment's start by plain ups (so a segment starts from
 * what the ups produce, even where an earlier down left extra objects behind on another database). The report
 * reads as one connection's: in order, and everything after the first migration that broke its database is
 * `not-run`.
 */
export async function verifyMigrations(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  await ensureParser();
  const main = await connect(options.scratchUrl);
  // On a stop, what runs on the scratch databases is cancelled at once rather than run to its end.
  const busy = new Map<pg.Client, string>([[main, options.scratchUrl]]);
  const cancelAll = () => {
    for (const [client, url] of busy) void cancelBackend({ databaseUrl: url }, client);
  };
  options.signal?.addEventListener('abort', cancelAll, { once: true });
  try {
    const serverVersion = Number((await main.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
    const procedures = lazyProcedureIndex(options.set.migrations);
    const prepare = (file: string, sql: string) => prepareScript(file, sql, serverVersion, procedures);
    const from = options.from;
    const before =
      from === undefined ? [] : options.set.migrations.filter((m) => compareVersions(m.version, from) <= 0);
    const tested = options.set.migrations.filter((m) => !before.includes(m));
    // Parse everything first: a syntax error in an up is reported before the scratch database is touched. A
    // down that does not parse fails its own migration only: it never runs, so everything before it is
    // tested and the migrations after it start from the state its up leaves, as they would in a real run.
    const scripts = tested.map((m) => ({ up: prepare(m.file, m.upSql), ...prepareDown(m, prepare) }));
    const repeatables = options.set.repeatables ?? [];
    const plan: VerifyPlan = {
      tested,
      before: before.map((m) => prepare(m.file, m.upSql)),
      scripts,
      scopes: scripts.map((script) => verificationScope([script.up, ...(script.down ? [script.down] : [])])),
      repeatables: repeatables.map((m) => ({ migration: m, script: prepare(m.file, m.upSql) })),
    };
    const segments =
      options.createSibling && !options.fromIsPresent
        ? planSegments(tested.length, options.jobs ?? 1)
        : [{ start: 0, end: tested.length }];
    // Repeatable migrations alone still need a database to be applied on.
    if (segments.length === 0) segments.push({ start: 0, end: 0 });
    const report = orderedReport(tested.length + repeatables.length, options.onProgress);
    const settled = await Promise.allSettled(
      segments.map(async (segment, i) => {
        if (i === 0) return verifySegment(main, plan, segment, report, options);
        const sibling = await options.createSibling!();
        const client = await connect(sibling.url);
        busy.set(client, sibling.url);
        try {
          return await verifySegment(client, plan, segment, report, options);
        } finally {
          busy.delete(client);
          await client.end().catch(() => {});
          await sibling.drop().catch(() => {});
        }
      }),
    );
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    const results = report.results();
    const failed = results.some(
      (r) => FAILURES.has(r.outcome) || (options.requireDown && r.outcome === 'irreversible'),
    );
    const interrupted = options.signal?.aborted ? signalName(options.signal) : undefined;
    return {
      ok: !failed && !interrupted,
      scratch: options.scratchDescription,
      from: from ?? null,
      results,
      durationMs: Math.round(performance.now() - started),
      ...(interrupted ? { interrupted } : {}),
    };
  } finally {
    options.signal?.removeEventListener('abort', cancelAll);
    await main.end().catch(() => {});
  }
}

function connect(url: string): Promise<pg.Client> {
  return connectClient(url, { purpose: 'scratch database' });
}

/** A migration's scripts as verify runs them; `downError` when its down file exists but does not parse. */
interface MigrationScripts {
  up: PreparedScript;
  down: PreparedScript | null;
  downError?: string;
}

interface VerifyPlan {
  tested: Migration[];
  /** Migrations up to `from`, applied without checks. */
  before: PreparedScript[];
  scripts: MigrationScripts[];
  scopes: Array<VerificationScope | null>;
  /** Applied after every versioned migration, on the last segment's database. */
  repeatables: Array<{ migration: Migration; script: PreparedScript }>;
}

function prepareDown(
  migration: Migration,
  prepare: (file: string, sql: string) => PreparedScript,
): Omit<MigrationScripts, 'up'> {
  if (migration.downFile === undefined) return { down: null };
  try {
    return { down: prepare(migration.downFile, migration.downSql ?? '') };
  } catch (error) {
    if (!(error instanceof OgelError)) throw error;
    return { down: null, downError: `the down does not parse: ${error.message}` };
  }
}

interface Segment {
  start: number;
  end: number;
}

/**
 * Contiguous segments whose work is about equal: segment k first applies the `start` migrations before it
 * (a plain up costs about a quarter of a verified migration), so later segments are shorter.
 */
export function planSegments(count: number, jobs: number): Segment[] {
  const plainApplyShare = 0.25;
  const wanted = Math.max(1, Math.min(Math.floor(jobs), Math.floor(count / MIN_SEGMENT)));
  // Lengths for a first segment of `first`: each later one gets the time the first takes, minus its prefix.
  const lengths = (first: number) => {
    const result: number[] = [];
    let start = 0;
    for (let k = 0; k < wanted && start < count; k++) {
      const length = Math.min(count - start, Math.max(1, Math.round(first - plainApplyShare * start)));
      result.push(length);
      start += length;
    }
    return { result, covered: start };
  };
  let low = Math.ceil(count / wanted);
  let high = count;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (lengths(middle).covered >= count) high = middle;
    else low = middle + 1;
  }
  const segments: Segment[] = [];
  let start = 0;
  for (const length of lengths(low).result) {
    segments.push({ start, end: start + length });
    start += length;
  }
  return segments;
}

/** Collects results from concurrent segments and hands them out in migration order. */
function orderedReport(total: number, onProgress: VerifyOptions['onProgress']) {
  const pending = new Map<number, SegmentResult>();
  const results: MigrationVerification[] = [];
  let stopped: string | null = null;
  return {
    /** Whether migration `index` is past one that already broke its database (its result will not count). */
    isStopped: (index: number) => stopped !== null && index >= results.length,
    add(index: number, result: SegmentResult) {
      pending.set(index, result);
      for (let next = pending.get(results.length); next; next = pending.get(results.length)) {
        pending.delete(results.length);
        const { broken: _broken, next: _next, ...verified } = next;
        const final: MigrationVerification = stopped ? notRun(verified, stopped) : verified;
        stopped ??= stopReason(next);
        results.push(final);
        onProgress?.(final, results.length - 1, total);
      }
    },
    results: () => results,
  };
}
type OrderedReport = ReturnType<typeof orderedReport>;
type SegmentResult = MigrationVerification & { broken?: boolean; next?: SchemaState };

function notRun(migration: { version: string; name: string }, error: string): MigrationVerification {
  return {
    version: migration.version,
    name: migration.name,
    outcome: 'not-run',
    differences: [],
    error,
    durationMs: 0,
  };
}

/** Why nothing after `result` can be trusted on its database, or null when the database is as expected. */
function stopReason(result: SegmentResult): string | null {
  const broken = result.broken ?? (result.outcome === 'up-failed' || result.outcome === 'down-failed');
  return broken ? `not run: ${migrationLabel(result)} left the scratch database in an unknown state` : null;
}

/** Verifies tested[start, end) on `client`'s database, after bringing it to the segment's start with plain ups. */
async function verifySegment(
  client: pg.Client,
  plan: VerifyPlan,
  { start, end }: Segment,
  report: OrderedReport,
  options: VerifyOptions,
): Promise<void> {
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
  let stopped: string | null = null;
  try {
    // With fromIsPresent (one segment) the database already holds the schema at `from`.
    if (!options.fromIsPresent) for (const script of plan.before) await run(script);
    for (let i = 0; i < start && !report.isStopped(start); i++) await run(plan.scripts[i]!.up);
  } catch (error) {
    if (options.signal?.aborted) stopped = interruptedNote(options.signal);
    else if (!(error instanceof OgelError)) throw error;
    // The segment that tests this migration reports its failure; everything after it is not run anyway.
    else stopped = `not run: ${error.message}`;
  }
  let carried: SchemaState | undefined;
  for (let index = start; index < end; index++) {
    const migration = plan.tested[index]!;
    if (!stopped && options.signal?.aborted) stopped = interruptedNote(options.signal);
    if (!stopped && report.isStopped(index))
      stopped = 'not run: an earlier migration left its scratch database in an unknown state';
    let result: SegmentResult;
    try {
      result = stopped
        ? notRun(migration, stopped)
        : await verifyOne(
            run,
            reader,
            migration,
            plan.scripts[index]!,
            {
              scope: plan.scopes[index]!,
              nextScope: index + 1 < end ? plan.scopes[index + 1] : undefined,
              previous: carried,
            },
            options,
          );
    } catch (error) {
      // Stopped while it ran: its statements were cancelled, so its outcome is unknown, not a failure.
      if (!options.signal?.aborted) throw error;
      stopped = interruptedNote(options.signal);
      result = notRun(migration, stopped);
    }
    carried = result.next;
    stopped ??= stopReason(result);
    report.add(index, result);
  }
  if (end !== plan.tested.length) return;
  for (const [k, { migration, script }] of plan.repeatables.entries()) {
    const index = plan.tested.length + k;
    if (!stopped && report.isStopped(index))
      stopped = 'not run: an earlier migration left its scratch database in an unknown state';
    const result: SegmentResult = stopped ? notRun(migration, stopped) : await verifyRepeatable(run, migration, script);
    stopped ??= stopReason(result);
    report.add(index, result);
  }
}

/**
 * A repeatable migration is applied twice on the schema every versioned migration left: the second run must
 * succeed and leave the schema exactly as the first did (it is run again whenever it changes, on a database
 * where an earlier version of it ran). The whole catalog is compared: it has no down to scope it by.
 */
async function verifyRepeatable(run: RunScript, migration: Migration, script: PreparedScript): Promise<SegmentResult> {
  const started = performance.now();
  const done = (outcome: VerifyOutcome, extra: Partial<SegmentResult> = {}): SegmentResult => ({
    version: migration.version,
    name: migration.name,
    outcome,
    differences: [],
    ...extra,
    durationMs: Math.round(performance.now() - started),
  });
  const first = await attempt(() => run(script, [{ scope: null }]));
  if (typeof first === 'string') return done('up-failed', { error: first });
  const second = await attempt(() => run(script, [{ scope: null }]));
  if (typeof second === 'string')
    return done('up-not-repeatable', { error: `failed when applied a second time: ${second}`, broken: true });
  const differences = significant(diffSnapshots(first[0]!.snapshot, second[0]!.snapshot)).map((d) =>
    describeDifference(d, 'up'),
  );
  return done(differences.length > 0 ? 'up-not-repeatable' : 'ok', { differences });
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
  scripts: MigrationScripts,
  { scope, nextScope, previous: carried }: Scopes,
  options: VerifyOptions,
): Promise<MigrationVerification & { broken?: boolean; next?: SchemaState }> {
  const started = performance.now();
  const base = { version: migration.version, name: migration.name, differences: [] as string[] };
  const done = (
    outcome: VerifyOutcome,
    extra: Partial<MigrationVerification> & { broken?: boolean; next?: SchemaState } = {},
  ) => ({
    ...base,
    outcome,
    ...extra,
    durationMs: Math.round(performance.now() - started),
  });
  const differences = (before: SchemaState, after: SchemaState, check: 'down' | 'up'): string[] => {
    const found = significant(diffSnapshots(before.snapshot, after.snapshot)).map((d) => describeDifference(d, check));
    return found.length > 0 || !before.fingerprint || !after.fingerprint
      ? found
      : fingerprintChanges(before.fingerprint, after.fingerprint);
  };
  // The next migration's before-state, read at the moment this one leaves the database as it will stay.
  const nextBefore: StateRequest[] = nextScope !== undefined ? [{ scope: nextScope, expectAbsence: true }] : [];
  // Only the relations this migration names are snapshotted (cheap); statements that may touch others make
  // it read the whole catalog. The fingerprint catches what the down left changed outside a scoped snapshot
  // (the up-again check compares scoped snapshots only). Most migrations create what they name, and their down
  // drops it: "none of it exists" is then the whole before-state, and a far cheaper read.
  const previous = carried ?? (await reader.state(scope, { expectAbsence: true }));
  const up = await attempt(
    () => run(scripts.up, scripts.down ? [{ scope, fingerprint: false }] : nextBefore),
    options.signal,
  );
  if (typeof up === 'string') return done('up-failed', { error: up });
  // The database holds what the up made, as the next migration expects: it is not broken.
  if (scripts.downError)
    return done('down-failed', { error: scripts.downError, broken: false, ...(up[0] ? { next: up[0] } : {}) });
  if (!scripts.down)
    return done('irreversible', {
      error: `no ${migration.version}_${migration.name}.down.sql`,
      ...(up[0] ? { next: up[0] } : {}),
    });
  const applied = up[0]!;
  const down = await attempt(() => run(scripts.down!, [{ scope, expectAbsence: isEmpty(previous) }]), options.signal);
  if (typeof down === 'string') return done('down-failed', { error: down });
  const notRestored = differences(previous, down[0]!, 'down');
  const again = await attempt(() => run(scripts.up, [{ scope, fingerprint: false }, ...nextBefore]), options.signal);
  if (notRestored.length > 0) {
    // The down is the culprit; an up that then fails (its objects still exist) is a consequence, noted.
    if (typeof again === 'string')
      return done('down-does-not-restore', {
        differences: notRestored,
        error: `then the up failed when run again: ${again}`,
        broken: true,
      });
    return done('down-does-not-restore', { differences: notRestored });
  }
  if (typeof again === 'string')
    return done('up-not-repeatable', { error: `up failed when run again after its down: ${again}`, broken: true });
  const [repeated, next] = again;
  const notRepeated = differences(applied, repeated!, 'up');
  if (notRepeated.length > 0) return done('up-not-repeatable', { differences: notRepeated });
  return done('ok', next ? { next } : {});
}

function isEmpty(state: SchemaState): boolean {
  return Object.keys(state.snapshot.objects).length === 0;
}

/**
 * What makes a check fail: every error, and a column's position too. A snapshot diff calls position `info`
 * (the same column, elsewhere), but a down is meant to restore the schema as it was, and a down that drops
 * and re-adds a column leaves it last, which SELECT * and positional INSERTs see.
 */
function significant(differences: SchemaDifference[]): SchemaDifference[] {
  return differences.filter((d) => d.severity === 'error' || d.attribute === 'position');
}

/**
 * What `fn` returned, or the message of the OgelError it threw (a script that failed); a stop's cancellation is
 * not the script's failure and is thrown on.
 */
async function attempt<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T | string> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof OgelError && !signal?.aborted) return error.message;
    throw error;
  }
}

function interruptedNote(signal: AbortSignal): string {
  return `not run: interrupted (${signalName(signal)})`;
}
