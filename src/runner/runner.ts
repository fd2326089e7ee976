import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  planBaseline,
  planBaselineOf,
  planMigrate,
  planRollback,
  type MigratePlanOptions,
  type RollbackPlanOptions,
} from '../core/plan.js';
import { computeStatus, type MigrationStatus, type StatusReport } from '../core/status.js';
import type { Migration, MigrationSet } from '../core/migration.js';
import { DEFAULT_IGNORE, isRepeatableVersion } from '../core/file-names.js';
import { maxVersion } from '../core/version.js';
import { AdvisoryLock, lockObjectId, readLockHolder, type LockHolder } from '../db/advisory-lock.js';
import { DEFAULT_EXECUTION, joinSql, type ExecutionSettings } from '../db/execute-script.js';
import { currentIdentity, type RunnerIdentity } from '../db/identity.js';
import { isConnectionLoss, serverError } from '../db/server-errors.js';
import { anySignal, interruptedError } from '../db/interrupted.js';
import { openSession, type ConnectionSource, type Session } from '../db/session.js';
import {
  createTrackingTablesSql,
  DEFAULT_TRACKING,
  ensureTrackingTables,
  deleteRowSql,
  qualify,
  readAppliedRows,
  readHistory,
  trackingTableExists,
  insertEventSql,
  upsertRowSql,
  type EventKind,
  type HistoryEvent,
  type QualifiedTracking,
  asOneStatement,
} from '../db/tracking-store.js';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { prepareScript, type PreparedScript } from '../sql/prepare-script.js';
import { lazyProcedureIndex, type ProcedureIndex } from '../sql/procedural-control.js';
import { FileMigrationSource, type MigrationSource } from '../source/file-source.js';
import { PlaceholderSource } from '../source/placeholder-source.js';
import { actorOf, type RunContext } from './context.js';
// Verify, drift and introspection are loaded when called: a process that only migrates (the CLI) should not
// compile the schema snapshots, the scratch databases and the embedded server's loader on every start.
import type { RunVerifyOptions } from '../verify/run-verify.js';
import type { VerifyReport } from '../verify/verify.js';
import type { DriftReport } from '../verify/drift.js';
import type { IntrospectResult } from '../adopt/introspect.js';
import { lintTargets, type LintReport } from './lint-migrations.js';
import { RunnerEventEmitter, type Operation } from './events.js';
import { eventSql, rowValues, runScript } from './run-script.js';
import { describePlanned, describeSteps } from './plan-details.js';
import { planRepair, repairPlanItems, repairResult, repairWrites } from './repair.js';
import { planIdOf, type PlanItem } from '../core/plan-id.js';
import { validateMigrations } from './validate.js';
import { prepareEvery } from './prepare-every.js';
import { checkRunnerOptions } from './options.js';
import type {
  AppliedMigration,
  BaselineOptions,
  BaselineResult,
  MigrateResult,
  MigrationRunnerOptions,
  RepairResult,
  RollbackResult,
  RunOptions,
  ValidateResult,
} from './types.js';

export type * from './types.js';

/** How long a run waits for another run's migration lock unless told otherwise. */
export const DEFAULT_LOCK_WAIT_MS = 60_000;

/**
 * Applies, reverts and reports migrations. The CLI, the HTTP service and the dashboard are thin shells over
 * this class; every mutating operation holds a session-level advisory lock and re-reads the tracking table
 * once it holds it, so concurrent runners never apply a migration twice.
 */
export class MigrationRunner {
  readonly events = new RunnerEventEmitter();
  readonly source: MigrationSource;
  /** The source before placeholders: what a derived runner (withPool, forDatabase) wraps again. */
  private readonly files: MigrationSource;
  readonly tracking: QualifiedTracking;
  /** Where read-only calls (status, history, the lock holder) get their connection. */
  private readonly connection: ConnectionSource | undefined;
  /** Where a run that takes the migration lock gets its own. */
  private readonly runConnection: ConnectionSource | undefined;
  private readonly identity: RunnerIdentity;
  private readonly settings: ExecutionSettings;
  private readonly lockWaitMs: number;

  constructor(private readonly options: MigrationRunnerOptions) {
    checkRunnerOptions(options);
    const url = options.databaseUrl === undefined ? undefined : { databaseUrl: options.databaseUrl };
    this.connection = options.pool ? { pool: options.pool } : url;
    // With a URL as well, a run opens a connection of its own: one waiting for the migration lock never holds
    // a pooled connection that reports (a dashboard's status) are waiting for.
    this.runConnection = url ?? this.connection;
    this.files =
      options.source ?? new FileMigrationSource(options.dir ?? 'migrations', options.ignore ?? DEFAULT_IGNORE);
    this.source = options.placeholders ? new PlaceholderSource(this.files, options.placeholders) : this.files;
    this.tracking = qualify({
      schema: options.schema ?? DEFAULT_TRACKING.schema,
      table: options.table ?? DEFAULT_TRACKING.table,
      eventsTable: options.eventsTable ?? DEFAULT_TRACKING.eventsTable,
    });
    this.identity = currentIdentity(options.clientName);
    this.settings = {
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_EXECUTION.lockTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
      lockRetries: options.lockRetries ?? DEFAULT_EXECUTION.lockRetries,
      retryBaseMs: options.retryBaseMs ?? DEFAULT_EXECUTION.retryBaseMs,
    };
    this.lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  }

  /** Files joined with the tracking table. Read-only: takes no lock and creates nothing. */
  async status(): Promise<StatusReport> {
    // Files and tracking rows are read at the same time (thousands of files take as long as the query), the
    // connection started first since reading the files holds the thread for a while; a problem with the files
    // is still the error reported, as if they had been read first.
    const applied = this.withSession((session) => readAppliedRows(session.client, this.tracking));
    const [files, rows] = await Promise.allSettled([this.loadForStatus(), applied]);
    if (files.status === 'rejected') throw files.reason;
    if (rows.status === 'rejected') throw rows.reason;
    return computeStatus(this.tracking.display, files.value, rows.value);
  }

  /**
   * The files as status reads them. Checksums are the templates', so a `${name}` without a value (refused by
   * everything that runs SQL) need not hide where the database stands: status then reads the templates.
   */
  private async loadForStatus(): Promise<MigrationSet> {
    try {
      return await this.source.load();
    } catch (error) {
      if (this.source === this.files || !(error instanceof OgelError) || error.code !== 'UNKNOWN_PLACEHOLDER')
        throw error;
      return this.files.load();
    }
  }

  /**
   * Applies pending migrations in order, each in its own transaction with its tracking row. `beforeApply` runs
   * under the lock once the plan is known and before anything changes: environment promotion rules, backups and
   * confirmations hook in there, and a throw from it aborts the run with nothing applied.
   */
  async migrate(options: MigratePlanOptions & RunOptions = {}): Promise<MigrateResult> {
    // The parser is instantiated while the files are read and the lock is taken (its compilation runs off the
    // main thread); awaited before the first script is prepared, where a failure to load it is reported.
    const parser = ensureParser();
    parser.catch(() => {});
    const set = await this.source.load();
    const procedures = lazyProcedureIndex(set.migrations);
    if (options.dryRun) {
      return this.withSession(async (session) => {
        const report = computeStatus(this.tracking.display, set, await readAppliedRows(session.client, this.tracking));
        await parser;
        const scripts = prepareEvery(planMigrate(report, options), (m) =>
          this.prepare(m.file, m.upSql, session.serverVersionNum, procedures),
        );
        const { findings } = lintTargets(scripts.map((s) => ({ migration: s.migration, modified: false })));
        const planned = scripts.map((s) => ({
          ...describePlanned(s),
          steps: describeSteps(s.script),
          findings: findings.filter((f) => f.file === s.script.file),
        }));
        const planId = this.planId('migrate', applyItems(scripts.map((s) => s.migration)), report);
        return {
          runId: randomUUID(),
          dryRun: true,
          planId,
          planned,
          applied: [],
          current: report.current,
          lockWaitMs: 0,
        };
      });
    }
    return this.withLock('migrate', options, async (ctx, lockWaitMs) => {
      const report = await this.readStatus(ctx.session, set);
      const migrations = planMigrate(report, options);
      await parser;
      // Parse everything before running anything: a syntax error in the fifth file must not leave four applied.
      const scripts = prepareEvery(migrations, (m) =>
        this.prepare(m.file, m.upSql, ctx.session.serverVersionNum, procedures),
      );
      const planId = this.planId('migrate', applyItems(migrations), report);
      if (migrations.length > 0) {
        absorb(
          ctx,
          await options.beforeApply?.({
            runId: ctx.runId,
            operation: 'migrate',
            migrations,
            report,
            planId,
            statements: scripts.map((s) => s.script.statements),
          }),
        );
      }
      this.events.emit('run:start', {
        runId: ctx.runId,
        operation: 'migrate',
        planned: migrations.map((m) => m.version),
      });
      const applied: AppliedMigration[] = [];
      try {
        for (const [index, { migration, script }] of scripts.entries()) {
          stopIfInterrupted(ctx, migration.file, applied.length);
          const durationMs = await runScript(
            ctx,
            migration,
            'up',
            script,
            {
              onSuccess: (ms) => [
                asOneStatement([
                  // In its own transaction a pending migration has no row yet; a no-transaction one left `running`,
                  // and a repeatable one that changed has the row of its last application.
                  upsertRowSql(
                    ctx.tracking,
                    rowValues(ctx, migration, 'applied', ms),
                    ms === 'transaction' && !migration.repeatable,
                  ),
                  eventSql(ctx, 'apply', 'success', migration, ms, null, {
                    file: script.file,
                    transactional: script.transactional,
                    ...(migration.repeatable ? { repeatable: true } : {}),
                  }),
                ]),
              ],
            },
            index,
            scripts.length,
          );
          applied.push({
            version: migration.version,
            name: migration.name,
            file: migration.file,
            transactional: script.transactional,
            durationMs,
          });
        }
      } catch (error) {
        if (error instanceof OgelError)
          Object.assign(error.details, { appliedBeforeFailure: applied.map((a) => a.version) });
        throw error;
      }
      return {
        runId: ctx.runId,
        dryRun: false,
        planId,
        planned: scripts.map(describePlanned),
        applied,
        // The highest applied version, as status says: an out-of-order migration lands below the current one.
        current: maxVersion([
          ...(report.current ? [report.current] : []),
          ...applied.filter((a) => !isRepeatableVersion(a.version)).map((a) => a.version),
        ]),
        lockWaitMs,
      };
    });
  }

  /** Reverts applied migrations newest first with their down files, each with the removal of its row. */
  async rollback(options: RollbackPlanOptions & RunOptions = {}): Promise<RollbackResult> {
    const set = await this.source.load();
    await ensureParser();
    const procedures = lazyProcedureIndex(set.migrations);
    const plan = (session: Session, report: StatusReport) =>
      prepareEvery(
        planRollback(report, options).map((entry) => entry.migration!),
        (m) => this.prepare(m.downFile!, m.downSql ?? '', session.serverVersionNum, procedures),
      );
    if (options.dryRun) {
      return this.withSession(async (session) => {
        const report = computeStatus(this.tracking.display, set, await readAppliedRows(session.client, this.tracking));
        const scripts = plan(session, report);
        return {
          runId: randomUUID(),
          dryRun: true,
          planId: this.planId('rollback', revertItems(scripts.map((s) => s.migration)), report),
          planned: scripts.map((s) => ({ ...describePlanned(s), steps: describeSteps(s.script) })),
          reverted: [],
          current: report.current,
        };
      });
    }
    return this.withLock('rollback', options, async (ctx) => {
      const report = await this.readStatus(ctx.session, set);
      const scripts = plan(ctx.session, report);
      const migrations = scripts.map((s) => s.migration);
      const planId = this.planId('rollback', revertItems(migrations), report);
      if (scripts.length > 0) {
        absorb(
          ctx,
          await options.beforeApply?.({
            runId: ctx.runId,
            operation: 'rollback',
            migrations,
            report,
            planId,
            statements: scripts.map((s) => s.script.statements),
          }),
        );
      }
      this.events.emit('run:start', {
        runId: ctx.runId,
        operation: 'rollback',
        planned: scripts.map((s) => s.migration.version),
      });
      const reverted: AppliedMigration[] = [];
      for (const [index, { migration, script }] of scripts.entries()) {
        stopIfInterrupted(ctx, script.file, reverted.length);
        const durationMs = await runScript(
          ctx,
          migration,
          'down',
          script,
          {
            onSuccess: (ms) => [
              asOneStatement([
                deleteRowSql(ctx.tracking, migration.version),
                eventSql(ctx, 'rollback', 'success', migration, ms, null, { file: script.file }),
              ]),
            ],
          },
          index,
          scripts.length,
        );
        reverted.push({
          version: migration.version,
          name: migration.name,
          file: script.file,
          transactional: script.transactional,
          durationMs,
        });
      }
      const after = await this.readStatus(ctx.session, set);
      return {
        runId: ctx.runId,
        dryRun: false,
        planId,
        planned: scripts.map(describePlanned),
        reverted,
        current: after.current,
      };
    });
  }

  /**
   * Records every pending migration up to `to` (or exactly the named `versions`) as applied, kind `baseline`,
   * without running it: how an existing database whose migrations ran by hand, or under another tool, is
   * adopted. applied_at stays NULL: we don't know when they ran.
   */
  async baseline(options: BaselineOptions & RunOptions): Promise<BaselineResult> {
    if (!('versions' in options) && options.to === undefined) {
      throw new OgelError('USAGE', 'baseline needs the version to record up to (--to V)');
    }
    const set = await this.source.load();
    const plan = (report: StatusReport) =>
      'versions' in options ? planBaselineOf(report, options.versions) : planBaseline(report, options.to);
    const details = 'versions' in options ? (options.details ?? {}) : {};
    const result = (runId: string, dryRun: boolean, planId: string, entries: MigrationStatus[]) => ({
      runId,
      dryRun,
      planId,
      baselined: entries.map(({ version, name }) => ({ version, name })),
    });
    if (options.dryRun) {
      return this.withSession(async (session) => {
        const report = await this.readStatus(session, set);
        const entries = plan(report);
        return result(randomUUID(), true, this.planId('baseline', baselineItems(entries), report), entries);
      });
    }
    return this.withLock('baseline', options, async (ctx) => {
      const report = await this.readStatus(ctx.session, set);
      const entries = plan(report);
      const planId = this.planId('baseline', baselineItems(entries), report);
      const migrations = entries.map((entry) => entry.migration!);
      if (entries.length > 0) {
        absorb(
          ctx,
          await options.beforeApply?.({ runId: ctx.runId, operation: 'baseline', migrations, report, planId }),
        );
      }
      this.events.emit('run:start', {
        runId: ctx.runId,
        operation: 'baseline',
        planned: entries.map((e) => e.version),
      });
      const writes = entries.flatMap((entry) => [
        upsertRowSql(ctx.tracking, rowValues(ctx, entry.migration!, 'applied', null, null, 'baseline')),
        eventSql(ctx, 'baseline', 'success', entry, null, null, details),
      ]);
      if (writes.length > 0) await ctx.session.client.query(joinSql(['BEGIN', ...writes, 'COMMIT']));
      return result(ctx.runId, false, planId, entries);
    });
  }

  /**
   * Classifies each pending migration against the live catalogs (applied / partial / not applied / unknown).
   * With `applyPlan`, records the fully applied ones as baseline rows (applied_at unknown) and nothing else.
   */
  async baselineIntrospect(
    options: { applyPlan?: boolean } & Pick<RunOptions, 'actor' | 'audit' | 'lockWaitMs'> = {},
  ): Promise<{ runId: string | null; results: IntrospectResult[]; baselined: string[] }> {
    const set = await this.source.load();
    const classify = async (session: Session) => {
      const report = await this.readStatus(session, set);
      // Repeatable migrations re-apply cheaply and safely; their objects' presence says nothing of their version.
      const pending = report.migrations.filter((m) => m.state === 'pending' && !m.repeatable).map((m) => m.migration!);
      const { introspectMigrations } = await import('../adopt/introspect.js');
      return { report, pending, results: await introspectMigrations(session.client, pending) };
    };
    if (!options.applyPlan) return { runId: null, results: (await this.withSession(classify)).results, baselined: [] };
    return this.withLock('baseline', options, async (ctx) => {
      const { pending, results } = await classify(ctx.session);
      const applied = results.filter((r) => r.state === 'applied');
      this.events.emit('run:start', {
        runId: ctx.runId,
        operation: 'baseline',
        planned: applied.map((r) => r.version),
      });
      const writes = applied.flatMap((r) => {
        const migration = pending.find((m) => m.version === r.version)!;
        return [
          upsertRowSql(ctx.tracking, rowValues(ctx, migration, 'applied', null, null, 'baseline')),
          eventSql(ctx, 'baseline', 'success', migration, null, null, { introspected: true, objects: r.present }),
        ];
      });
      if (writes.length > 0) await ctx.session.client.query(joinSql(['BEGIN', ...writes, 'COMMIT']));
      return { runId: ctx.runId, results, baselined: applied.map((r) => r.version) };
    });
  }

  /**
   * After a human fixed things by hand: forgets failed rows (so migrate re-runs them) or marks them applied,
   * accepts changed files' checksums, and optionally forgets applied versions that have no file.
   */
  async repair(options: { markApplied?: string[]; removeMissing?: boolean } & RunOptions = {}): Promise<RepairResult> {
    const set = await this.source.load();
    if (options.dryRun) {
      return this.withSession(async (session) => {
        const report = await this.readStatus(session, set);
        const planned = planRepair(report, options);
        return repairResult(randomUUID(), true, this.planId('repair', repairPlanItems(planned), report), planned);
      });
    }
    return this.withLock('repair', options, async (ctx) => {
      const report = await this.readStatus(ctx.session, set);
      const planned = planRepair(report, options);
      const planId = this.planId('repair', repairPlanItems(planned), report);
      if (planned.length > 0) {
        const migrations = planned.flatMap((p) => (p.entry.migration ? [p.entry.migration] : []));
        absorb(ctx, await options.beforeApply?.({ runId: ctx.runId, operation: 'repair', migrations, report, planId }));
      }
      this.events.emit('run:start', {
        runId: ctx.runId,
        operation: 'repair',
        planned: planned.map((p) => p.entry.version),
      });
      const writes = repairWrites(ctx, planned);
      if (writes.length > 0) await ctx.session.client.query(joinSql(['BEGIN', ...writes, 'COMMIT']));
      return repairResult(ctx.runId, false, planId, planned);
    });
  }

  /**
   * Checks everything that can be checked without changing anything: file names, SQL syntax and transaction
   * rules of every up and down file, and (when the database is reachable) checksums of applied migrations.
   */
  async validate(options: { offline?: boolean } = {}): Promise<ValidateResult> {
    return validateMigrations(
      this.source,
      options.offline ? undefined : (set) => this.withSession((session) => this.readStatus(session, set)),
    );
  }

  /**
   * Lints what would run: the pending migrations (and changed applied ones) when a database is configured,
   * every file with `offline`. Tables created earlier in the pending set count as new.
   */
  async lint(options: { offline?: boolean; disabledRules?: string[] } = {}): Promise<LintReport> {
    const set = await this.source.load();
    await ensureParser();
    let targets: Array<{ migration: Migration; modified: boolean }>;
    const offline = options.offline || !this.connection;
    if (offline) targets = [...set.migrations, ...set.repeatables].map((migration) => ({ migration, modified: false }));
    else {
      const report = await this.withSession(async (session) => this.readStatus(session, set));
      targets = report.migrations
        .filter((m) => m.migration && (m.state === 'pending' || m.state === 'modified'))
        .map((m) => ({ migration: m.migration!, modified: m.state === 'modified' }));
    }
    return lintTargets(targets, options.disabledRules, !offline);
  }

  /**
   * Rollback testing on a scratch database: for each migration, up, down (schema must equal the one before),
   * up again (schema must equal the first up's). Never touches the configured database itself.
   */
  async verify(options: RunVerifyOptions = {}): Promise<VerifyReport> {
    const databaseUrl = this.options.databaseUrl;
    const { runVerify } = await import('../verify/run-verify.js');
    return runVerify(
      {
        source: this.source,
        databaseUrl,
        settings: this.settings,
        tracking: this.tracking,
        trackingTables: this.trackingTables(),
      },
      options,
    );
  }

  /**
   * Drift: the database's real schema against the schema its applied migrations produce (replayed on a
   * scratch database). Read-only for the configured database. `signal` stops it with INTERRUPTED; the scratch
   * database is dropped either way.
   */
  async drift(options: { embedded?: boolean; signal?: AbortSignal } = {}): Promise<DriftReport> {
    const databaseUrl = this.options.databaseUrl;
    if (!databaseUrl)
      throw new OgelError('INVALID_DATABASE_URL', 'drift needs a database URL (--database-url or --env)');
    const report = await this.status();
    const [{ detectDrift }, { createEmbeddedScratch, createScratchOnServer, withScratch }] = await Promise.all([
      import('../verify/drift.js'),
      import('../verify/scratch.js'),
    ]);
    const create = options.embedded ? () => createEmbeddedScratch() : () => createScratchOnServer(databaseUrl);
    return withScratch(create, (scratch) =>
      detectDrift({
        databaseUrl,
        report,
        scratch,
        settings: this.settings,
        snapshot: { excludeTables: this.trackingTables() },
        trackingSql: createTrackingTablesSql(this.tracking),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  }

  /** The same runner with its read-only calls served from `pool` (see MigrationRunnerOptions.pool). */
  withPool(pool: pg.Pool): MigrationRunner {
    return new MigrationRunner({ ...this.options, pool, source: this.files });
  }

  /** The same settings and migrations against another database (a restore target, a diff's other side). */
  forDatabase(databaseUrl: string): MigrationRunner {
    const { pool: _pool, ...rest } = this.options;
    return new MigrationRunner({ ...rest, databaseUrl, source: this.files });
  }

  /** The tables ogel-migrate itself owns, left out of schema snapshots. */
  trackingTables(): string[] {
    const { schema, table, eventsTable } = this.tracking.names;
    return [`${schema}.${table}`, `${schema}.${eventsTable}`, `${schema}.schema_migration_backups`];
  }

  /** Appends an event outside any run (e.g. a forced promotion and its reason), creating the tables if needed. */
  async recordEvent(
    event: EventKind,
    options: {
      runId?: string;
      outcome?: 'success' | 'failure';
      version?: string;
      name?: string;
      details?: Record<string, unknown>;
    } = {},
  ): Promise<void> {
    await this.withSession(async (session) => {
      const exists = await trackingTableExists(session.client, this.tracking);
      if (!exists) return;
      await session.client.query(
        insertEventSql(this.tracking, {
          event,
          outcome: options.outcome ?? 'success',
          version: options.version ?? null,
          name: options.name ?? null,
          runId: options.runId ?? randomUUID(),
          actor: actorOf(this.identity),
          host: this.identity.host,
          details: { client: this.identity.client, pid: this.identity.pid, ...options.details },
        }),
      );
    });
  }

  /** Creates the tracking table and event log if they don't exist (every mutating operation does this too). */
  async init(): Promise<{ table: string; eventsTable: string }> {
    await this.withLock('init', {}, async () => undefined);
    return {
      table: this.tracking.display,
      eventsTable: `${this.tracking.names.schema}.${this.tracking.names.eventsTable}`,
    };
  }

  /** The event log, newest first. */
  async history(
    options: {
      limit?: number;
      before?: number;
      version?: string;
      event?: string;
      outcome?: 'success' | 'failure';
    } = {},
  ): Promise<HistoryEvent[]> {
    return this.withSession((session) =>
      readHistory(session.client, this.tracking, { limit: options.limit ?? 50, ...options }),
    );
  }

  /** Who holds the migration lock right now, or null. */
  async lockHolder(): Promise<LockHolder | null> {
    return this.withSession((session) => readLockHolder(session.client, lockObjectId(this.tracking.display)));
  }

  /** Runs a read-only function on a fresh session (for `/ready` and similar checks). */
  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await openSession(this.requireConnection(), this.identity);
    let broken = false;
    try {
      return await fn(session);
    } catch (error) {
      broken = isConnectionLoss(error);
      throw serverError(error, 'reading from the database');
    } finally {
      await session.release(broken);
    }
  }

  /** Offline operations (validate --offline, lint) work without a database; the rest need one. */
  private requireConnection(purpose: 'read' | 'run' = 'read'): ConnectionSource {
    const connection = purpose === 'run' ? this.runConnection : this.connection;
    if (!connection)
      throw new OgelError('INVALID_DATABASE_URL', 'No database URL: pass --database-url or set DATABASE_URL');
    return connection;
  }

  private prepare(
    file: string,
    sql: string,
    serverVersionNum: number,
    procedures: () => ProcedureIndex,
  ): PreparedScript {
    return this.options.scripts
      ? this.options.scripts.prepare(file, sql, serverVersionNum, procedures)
      : prepareScript(file, sql, serverVersionNum, procedures);
  }

  private async readStatus(session: Session, set: MigrationSet): Promise<StatusReport> {
    return computeStatus(this.tracking.display, set, await readAppliedRows(session.client, this.tracking));
  }

  /** The id of a plan against this database: see planIdOf. */
  private planId(operation: Operation, items: PlanItem[], report: StatusReport): string {
    const rows = report.migrations.flatMap((m) => (m.row ? [m.row] : []));
    return planIdOf({ scope: this.options.name ?? this.tracking.display, operation, items, rows });
  }

  private async withLock<T>(
    operation: Operation,
    options: Pick<RunOptions, 'lockWaitMs' | 'actor' | 'audit' | 'signal' | 'stopSignal'>,
    fn: (ctx: RunContext, lockWaitMs: number) => Promise<T>,
  ): Promise<T> {
    const runId = randomUUID();
    const started = performance.now();
    // The run is recorded as the one who asked for it (a token's name, a CLI user), on this host and process.
    const identity = options.actor ? { ...this.identity, client: options.actor } : this.identity;
    const session = await openSession(this.requireConnection('run'), identity);
    const lock = new AdvisoryLock(session.client, this.tracking.display, identity);
    let count = 0;
    let broken = false;
    try {
      const { waitedMs } = await lock.acquire(
        options.lockWaitMs ?? this.lockWaitMs,
        (holder) => this.events.emit('lock:waiting', { runId, holder }),
        anySignal(options.signal, options.stopSignal),
      );
      this.events.emit('lock:acquired', { runId, waitedMs });
      await ensureTrackingTables(session.client, this.tracking);
      const ctx: RunContext = {
        runId,
        operation,
        session,
        tracking: this.tracking,
        identity,
        settings: this.settings,
        events: this.events,
        holderApplicationName: lock.applicationName!,
        sessionDirty: false,
        // The values this database's SQL ran with, beside the template's checksum in the rows.
        audit: {
          ...(this.options.placeholders ? { placeholders: { ...this.options.placeholders } } : {}),
          ...options.audit,
        },
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
      };
      const result = await fn(ctx, waitedMs);
      count = countOf(result);
      this.events.emit('run:end', {
        runId,
        operation,
        outcome: 'success',
        count,
        durationMs: Math.round(performance.now() - started),
      });
      return result;
    } catch (raw) {
      // An interrupted session may have had a cancel request aimed at it: a pool gets a fresh one instead.
      broken = !(raw instanceof OgelError) || isConnectionLoss(raw) || raw.code === 'INTERRUPTED';
      const error = serverError(raw, `running ${operation}`);
      this.events.emit('run:end', {
        runId,
        operation,
        outcome: 'failure',
        count,
        durationMs: Math.round(performance.now() - started),
        error: (error as Error).message,
      });
      throw error;
    } finally {
      await lock.release().catch(() => {});
      await session.release(broken);
    }
  }
}

/** Details a `beforeApply` hook returned (a backup's id) go into every later event of the run. */
function absorb(ctx: RunContext, returned: void | { audit?: Record<string, unknown> }): void {
  if (returned?.audit) Object.assign(ctx.audit, returned.audit);
}

const applyItems = (migrations: readonly Migration[]): PlanItem[] =>
  migrations.map((m) => ({ version: m.version, checksum: m.checksum, action: 'apply' }));
const revertItems = (migrations: readonly Migration[]): PlanItem[] =>
  migrations.map((m) => ({ version: m.version, checksum: m.downChecksum ?? null, action: 'revert' }));
const baselineItems = (entries: readonly MigrationStatus[]): PlanItem[] =>
  entries.map((m) => ({ version: m.version, checksum: m.checksum, action: 'baseline' }));

/** Between migrations: a stopped run starts nothing more (what committed stays applied). */
function stopIfInterrupted(ctx: RunContext, next: string, done: number): void {
  const stopped = ctx.signal?.aborted ? ctx.signal : ctx.stopSignal?.aborted ? ctx.stopSignal : null;
  if (stopped)
    throw interruptedError(stopped, `stopped before ${next}; the ${done} migration(s) before it are complete`, {
      completed: done,
    });
}

/** How many migrations a run changed, for run:end; operations that change none (init) return nothing. */
function countOf(result: unknown): number {
  const r = (result ?? {}) as Partial<MigrateResult & RollbackResult & BaselineResult>;
  return r.applied?.length ?? r.reverted?.length ?? r.baselined?.length ?? 0;
}
