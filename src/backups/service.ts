import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { LockHolder } from '../db/advisory-lock.js';
import { serverVersionNumber } from '../db/connect.js';
import { currentIdentity, type RunnerIdentity } from '../db/identity.js';
import { describeUrl, databaseNameOf, maskUrl, validateDatabaseUrl, withDatabase } from '../db/url.js';
import { interruptedError } from '../db/interrupted.js';
import { OgelError } from '../errors.js';
import type { MigrationRunner } from '../runner/runner.js';
import { actorOf } from '../runner/context.js';
import { dumpToStore } from './dump.js';
import {
  dumpName,
  manifestName,
  MANIFEST_FORMAT,
  MANIFEST_SUFFIX,
  newBackupId,
  type BackupManifest,
} from './manifest.js';
import { checkToolVersion, optionalToolPath, parseToolMajor, toolPath, toolVersionLine } from './pg-tools.js';
import { insertEventSql } from '../db/tracking-store.js';
import { restoreBackup, type RestoreOutcome, type RestoreProgress } from './restore.js';
import { backupsToPrune } from './retention.js';
import { openBackupSnapshot } from './snapshot.js';
import { openStore } from './store/open.js';
import type { BackupStore, S3Settings } from './store/store.js';

export interface BackupServiceOptions {
  /** The environment's runner: its tracking names, and its event stream for progress. */
  runner: MigrationRunner;
  /** The database backed up and restored; null for a service that only lists the store (no database known). */
  databaseUrl: string | null;
  /** Where backups live: a folder, `file://…` or `s3://bucket/prefix` (see openStore). */
  backupDir: string;
  /** S3 endpoint, path-style and region, for `s3://` stores. */
  s3?: S3Settings;
  /** A store built by the caller instead of `backupDir`. */
  store?: BackupStore;
  env?: string | null;
  pgBinDir?: string;
  keep?: number;
  keepDays?: number;
  /** How long a backup or a restore's switch waits for a running migration (default 60 s). */
  lockWaitMs?: number;
  clientName?: string;
}

export interface CreateBackupOptions {
  /** Why it was taken (`manual`, `before migrate: protected environment`, …): in the manifest and the event. */
  reason?: string;
  /** The caller holds the migration lock already (a backup inside a migrate's own run). */
  lockHeld?: boolean;
  /** The backup is waiting for the migration lock (a migrate is running). */
  onLockWait?: (holder: LockHolder | null) => void;
  /**
   * Stops the backup (Ctrl-C, SIGTERM): pg_dump is ended, its unfinished object removed, a failed `backup`
   * event recorded; INTERRUPTED. A backup whose manifest was written is complete and stays.
   */
  signal?: AbortSignal;
  /** Who asked (`token admin`, a CLI user): the manifest's and the event's actor, as a run records its caller. */
  actor?: string;
}

export interface RestoreOptions {
  /** Restore into this database (a name on the same server, or a URL) instead of the one backed up. */
  toDatabase?: string;
  /** Replacing an existing database needs an explicit yes. */
  confirmed?: boolean;
  /** Parallel pg_restore jobs (the dump is read from a file: the local one, or a private download). */
  jobs?: number;
  /** Keep the replaced database under a new name instead of dropping it. */
  keepReplaced?: boolean;
  onProgress?: (progress: RestoreProgress) => void;
  /** The switch is waiting for the target's migration lock (a migrate is running there). */
  onLockWait?: (holder: LockHolder | null) => void;
  /** Stops the restore before its switch (see restoreBackup). */
  signal?: AbortSignal;
  /** Recorded in the restore event's details: who asked, what they confirmed. */
  audit?: Record<string, unknown>;
}

/** One backup as `backups` lists it: read from its manifest in the store. */
export interface BackupRecord {
  id: string;
  env: string | null;
  /** host:port/name of the database backed up. */
  database: string;
  version: string | null;
  format: 'custom';
  /** Where the dump is: a path, or an s3:// URL. */
  path: string;
  sizeBytes: number;
  durationMs: number;
  checksum: string;
  createdAt: string;
  createdBy: string;
  reason: string;
}

export interface RestoreResult extends RestoreOutcome {
  id: string;
  version: string | null;
  durationMs: number;
}

/**
 * Logical backups kept in a store outside the database (a folder or a bucket), each with a manifest that
 * describes it fully, so listing, restoring and retention need only the store. A backup is taken under the
 * migration lock from one exported snapshot; a restore builds a fresh database and switches over only when it
 * is complete and checked (see restoreBackup).
 */
export class BackupService {
  readonly store: BackupStore;
  private readonly identity: RunnerIdentity;

  constructor(private readonly options: BackupServiceOptions) {
    this.store = options.store ?? openStore(options.backupDir, options.s3);
    this.identity = currentIdentity(options.clientName ?? 'library');
  }

  /** Backups of this environment (or database), newest first; `all` lists everything in the store. */
  async list(options: { all?: boolean } = {}): Promise<BackupRecord[]> {
    return (await this.catalog(options)).backups;
  }

  /** The listing with what could not be read: manifests that do not parse, dumps without a manifest. */
  async catalog(options: { all?: boolean } = {}): Promise<{ backups: BackupRecord[]; problems: string[] }> {
    const names = await this.store.list();
    const problems: string[] = [];
    const manifests: BackupManifest[] = [];
    // Eight at a time: a bucket of a few hundred backups lists in a few round trips' time, not hundreds.
    const pending = names.filter((n) => n.endsWith(MANIFEST_SUFFIX));
    const read = async () => {
      for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
        try {
          manifests.push((await manifestParser())(await text(await this.store.get(name)), this.store.locate(name)));
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, read));
    for (const leftover of (await this.store.leftovers?.()) ?? [])
      problems.push(
        `${leftover.path} is an unfinished dump (${leftover.sizeBytes} bytes, last written ${leftover.modifiedAt.toISOString()}): ` +
          'a backup is writing it or was killed while it did; the next backup removes it once it is a day old',
      );
    const described = new Set(manifests.map((m) => dumpName(m.id)));
    for (const name of names.filter((n) => n.endsWith('.dump') && !described.has(n)))
      problems.push(`${this.store.locate(name)} has no manifest (an interrupted backup?): it cannot be restored`);
    const mine = options.all ? manifests : manifests.filter((m) => this.isMine(m));
    const backups = mine
      .map((m) => this.record(m))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    return { backups, problems };
  }

  /** The manifest of one backup; NOT_FOUND when the store has none by that id. */
  async manifest(id: string): Promise<BackupManifest> {
    if (!/^[\w.-]{1,80}$/.test(id)) throw new OgelError('USAGE', `"${id}" is not a backup id`);
    const name = manifestName(id);
    if ((await this.store.size(name)) === null)
      throw new OgelError('NOT_FOUND', `No backup ${id} in ${this.store.location} (see ogel-migrate backups)`, { id });
    return (await manifestParser())(await text(await this.store.get(name)), this.store.locate(name));
  }

  /** One backup as `backups` lists it, read from its own manifest (not by listing the whole store). */
  async find(id: string): Promise<BackupRecord> {
    return this.record(await this.manifest(id));
  }

  async create(options: CreateBackupOptions = {}): Promise<BackupRecord & { pruned: string[] }> {
    const runner = this.options.runner;
    const reason = options.reason ?? 'manual';
    const identity = options.actor ? { ...this.identity, client: options.actor } : this.identity;
    const pgDump = toolPath('pg_dump', this.options.pgBinDir);
    // Only to count the dump's objects for restore progress: a backup does not fail for want of it.
    const pgRestore = optionalToolPath('pg_restore', this.options.pgBinDir);
    const started = performance.now();
    const id = newBackupId(new Date(), randomBytes(3).toString('hex'));
    // pg_dump's version is asked while the lock and snapshot are being taken: one start-up less to wait for.
    const [opened, version] = await Promise.allSettled([
      openBackupSnapshot(this.url(), {
        tracking: runner.tracking,
        identity,
        server: serverOf(this.url()),
        lockHeld: options.lockHeld ?? false,
        lockWaitMs: this.options.lockWaitMs ?? 60_000,
        ...(options.onLockWait ? { onLockWait: options.onLockWait } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
      toolVersionLine(pgDump),
    ]);
    if (opened.status === 'rejected') throw opened.reason;
    const snapshot = opened.value;
    let manifest: BackupManifest;
    let earlier: Promise<{ list: BackupRecord[] } | { error: unknown }> | null = null;
    try {
      if (version.status === 'rejected') throw version.reason;
      const pgDumpVersion = version.value;
      checkToolVersion('pg_dump', parseToolMajor(pgDumpVersion), serverVersionNumber(snapshot.serverVersion) ?? 0);
      // Retention's listing is read while pg_dump runs (this process mostly waits for it), not after.
      earlier = this.retains()
        ? this.list().then(
            (list) => ({ list }),
            (error: unknown) => ({ error }),
          )
        : null;
      const dump = await dumpToStore({
        pgDump,
        pgRestore,
        databaseUrl: this.url(),
        snapshot: snapshot.id,
        store: this.store,
        name: dumpName(id),
        ...(options.signal ? { signal: options.signal } : {}),
      }).catch(async (error: Error) => {
        const stopped = options.signal?.aborted
          ? interruptedError(options.signal, `backup ${id} stopped: pg_dump was ended, nothing was kept`, { id })
          : null;
        await runner.recordEvent('backup', {
          outcome: 'failure',
          details: { id, error: maskUrl(stopped?.message ?? error.message), reason },
        });
        if (stopped) throw stopped;
        throw new OgelError(
          'BACKUP_FAILED',
          `pg_dump of ${describeUrl(this.url())} into ${this.store.location} failed: ${maskUrl(error.message)}`,
          {},
          { cause: error },
        );
      });
      manifest = {
        format: MANIFEST_FORMAT,
        id,
        createdAt: new Date().toISOString(),
        durationMs: Math.round(performance.now() - started),
        reason,
        actor: `${identity.client} ${actorOf(identity)}`,
        environment: this.options.env ?? null,
        database: snapshot.database,
        schemas: snapshot.schemas,
        serverVersion: snapshot.serverVersion,
        pgDumpVersion,
        tracking: snapshot.tracking,
        dump: { file: dumpName(id), format: 'custom', ...dump },
      };
      // The manifest goes last: a backup is listed only once its dump is complete. Then its event, on the
      // snapshot's own session.
      await this.store.put(manifestName(id), Readable.from([JSON.stringify(manifest, null, 2) + '\n']));
      await snapshot.close(snapshot.tracked ? this.backupEventSql(manifest, identity) : undefined);
    } finally {
      await snapshot.close();
    }
    const record = this.record(manifest);
    const seen = await earlier;
    // The listing from before the dump, with this backup added; read again if it failed (the error is real then).
    const pruned = seen && 'list' in seen ? await this.removeBackups([record, ...seen.list]) : await this.prune();
    await this.removeStaleLeftovers();
    return { ...record, pruned };
  }

  private backupEventSql(manifest: BackupManifest, identity: RunnerIdentity): string {
    return insertEventSql(this.options.runner.tracking, {
      event: 'backup',
      outcome: 'success',
      ...versionAndName(manifest),
      runId: randomUUID(),
      actor: actorOf(identity),
      host: identity.host,
      details: {
        id: manifest.id,
        sizeBytes: manifest.dump.sizeBytes,
        durationMs: manifest.durationMs,
        reason: manifest.reason,
        store: this.store.location,
        client: identity.client,
        pid: identity.pid,
      },
    });
  }

  /** Applies retention (keep the N newest, keep D days) to this environment's backups in the store. */
  async prune(): Promise<string[]> {
    return this.retains() ? this.removeBackups(await this.list()) : [];
  }

  /**
   * Unfinished dumps of killed backups, once nothing has written them for a day: a backup that is still
   * running writes its dump continuously (or waits for pg_dump's locks, never for a day).
   */
  private async removeStaleLeftovers(): Promise<void> {
    const cutoff = Date.now() - STALE_LEFTOVER_MS;
    for (const leftover of (await this.store.leftovers?.()) ?? [])
      if (leftover.modifiedAt.getTime() < cutoff) await this.store.removeLeftover?.(leftover);
  }

  private retains(): boolean {
    return this.options.keep !== undefined || this.options.keepDays !== undefined;
  }

  /** Removes what retention says of `backups`. A backup listed later than they were read waits for the next prune. */
  private async removeBackups(backups: BackupRecord[]): Promise<string[]> {
    const victims = backupsToPrune(backups, this.options.keep, this.options.keepDays, new Date());
    // Manifests first: a backup stops being listed before its dump goes, never the other way round.
    await Promise.all(victims.map((victim) => this.store.remove(manifestName(victim.id))));
    await Promise.all(victims.map((victim) => this.store.remove(dumpName(victim.id))));
    return victims.map((v) => v.id);
  }

  /**
   * Restores a backup into the backed-up database (or `toDatabase`), creating it when it does not exist. Reads
   * only the store until the switch: it works after the database was dropped.
   */
  async restore(id: string, options: RestoreOptions = {}): Promise<RestoreResult> {
    const manifest = await this.manifest(id);
    const targetUrl = this.targetUrl(options.toDatabase);
    const runner = this.options.runner;
    const runId = randomUUID();
    const started = performance.now();
    const outcome = await restoreBackup({
      manifest,
      store: this.store,
      targetUrl,
      tracking: runner.tracking,
      identity: this.identity,
      pgRestore: toolPath('pg_restore', this.options.pgBinDir),
      lockWaitMs: this.options.lockWaitMs ?? 60_000,
      ...(options.jobs ? { jobs: options.jobs } : {}),
      keepReplaced: options.keepReplaced ?? false,
      confirmed: options.confirmed === true,
      ...(options.onLockWait ? { onLockWait: options.onLockWait } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (progress) => {
        options.onProgress?.(progress);
        runner.events.emit('restore:progress', progress);
      },
      restoreEvent: ({ carried, replaced, durationMs }) => ({
        event: 'restore',
        outcome: 'success',
        ...versionAndName(manifest),
        durationMs,
        runId,
        actor: actorOf(this.identity),
        host: this.identity.host,
        details: {
          ...options.audit,
          id,
          store: this.store.location,
          from: `${manifest.database.server}/${manifest.database.name}`,
          backedUpAt: manifest.createdAt,
          replaced,
          carriedEvents: carried,
          client: this.identity.client,
          pid: this.identity.pid,
        },
      }),
    });
    return { id, version: manifest.tracking.version, durationMs: Math.round(performance.now() - started), ...outcome };
  }

  /** The database of a backup or a restore: a service that only lists needs none. */
  private url(): string {
    if (this.options.databaseUrl === null)
      throw new OgelError('INVALID_DATABASE_URL', 'Backups need a database URL: pass --database-url or --env');
    return this.options.databaseUrl;
  }

  private targetUrl(toDatabase: string | undefined): string {
    if (toDatabase === undefined) return this.url();
    if (toDatabase.includes('://')) return validateDatabaseUrl(toDatabase);
    if (!/^[A-Za-z_][\w$-]{0,62}$/.test(toDatabase))
      throw new OgelError('USAGE', `--to-database "${toDatabase}" is neither a database name nor a postgres:// URL`);
    return withDatabase(this.url(), toDatabase);
  }

  /** This environment's backups: by environment name when there is one, else by database and server. */
  private isMine(m: BackupManifest): boolean {
    if (this.options.env) return m.environment === this.options.env;
    // No environment and no database (a store read on a recovery machine): every backup in it.
    const url = this.options.databaseUrl;
    if (url === null) return true;
    return m.database.name === databaseNameOf(url) && m.database.server === serverOf(url);
  }

  private record(m: BackupManifest): BackupRecord {
    return {
      id: m.id,
      env: m.environment,
      database: `${m.database.server}/${m.database.name}`,
      version: m.tracking.version,
      format: 'custom',
      path: this.store.locate(m.dump.file),
      sizeBytes: m.dump.sizeBytes,
      durationMs: m.durationMs,
      checksum: `sha256:${m.dump.sha256}`,
      createdAt: m.createdAt,
      createdBy: m.actor,
      reason: m.reason,
    };
  }
}

const STALE_LEFTOVER_MS = 24 * 3600_000;

/** The event's version and the name of that version's migration, so history reads `restore 006_enable_rls`. */
function versionAndName(m: BackupManifest): { version?: string; name?: string } {
  const version = m.tracking.version;
  if (version === null) return {};
  const name = m.tracking.applied.find((r) => r.version === version)?.name;
  return { version, ...(name ? { name } : {}) };
}

/** The manifest schema (zod) is loaded when a store is first read, not with the library. */
async function manifestParser() {
  return (await import('./manifest-schema.js')).parseManifest;
}

function serverOf(url: string): string {
  const described = describeUrl(url);
  return described.slice(0, described.lastIndexOf('/'));
}
