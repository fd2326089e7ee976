import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { AdvisoryLock, type LockHolder } from '../db/advisory-lock.js';
import { connectClient } from '../db/connect.js';
import { applicationName, type RunnerIdentity } from '../db/identity.js';
import {
  insertEventSql,
  readAppliedRows,
  trackingTableExists,
  type EventRecord,
  type QualifiedTracking,
} from '../db/tracking-store.js';
import { currentVersion } from '../core/status.js';
import { interruptedError } from '../db/interrupted.js';
import { literal, quotedIdentifier } from '../db/sql-literals.js';
import { databaseNameOf, describeUrl, maskUrl, splitPassword, withDatabase } from '../db/url.js';
import { OgelError } from '../errors.js';
import { aclSql, createDatabaseSql, databasePropsSql } from './database-props.js';
import {
  databaseExists,
  endSessions,
  isTemplateDatabase,
  readSchemaAccess,
  sessionsOn,
  type DatabaseSession,
} from './maintenance.js';
import type { BackupManifest } from './manifest.js';
import { endOnAbort } from './pg-tools.js';
import type { BackupStore } from './store/store.js';

export type RestorePhase = 'checking' | 'creating' | 'restoring' | 'verifying' | 'switching' | 'done';

/** Emitted as `restore:progress` on the runner's event stream (GET /events) and to onProgress. */
export interface RestoreProgress {
  id: string;
  database: string;
  phase: RestorePhase;
  /** Bytes of the dump read (and hashed) so far. */
  bytes: number;
  totalBytes: number;
  /** Objects pg_restore has created or loaded so far. */
  objects: number;
  totalObjects: number | null;
}

/** A database an interrupted restore had left, dropped before this one started. */
export interface LeftoverDatabase {
  name: string;
  backupId: string | null;
  startedAt: string | null;
  phase: 'building' | 'switching' | null;
}

export interface RestoreOutcome {
  /** The database restored into. */
  database: string;
  replaced: boolean;
  keptReplacedAs: string | null;
  terminatedConnections: DatabaseSession[];
  carriedEvents: number;
  eventsNote: string | null;
  cleanedUp: LeftoverDatabase[];
  /** From the start to the first query the restored database answered. */
  rtoMs: number;
}

export interface RestoreBackupOptions {
  manifest: BackupManifest;
  store: BackupStore;
  targetUrl: string;
  tracking: QualifiedTracking;
  identity: RunnerIdentity;
  pgRestore: string;
  lockWaitMs: number;
  jobs?: number;
  keepReplaced: boolean;
  /** An existing target may be replaced. */
  confirmed: boolean;
  onLockWait?: (holder: LockHolder | null) => void;
  onProgress?: (progress: RestoreProgress) => void;
  /**
   * Stops the restore before the switch: pg_restore is ended and the copy dropped (INTERRUPTED, nothing
   * changed). Once the switch has begun it completes: stopping half-way through it is what must not happen.
   */
  signal?: AbortSignal;
  /** The restore's own event, written into the restored log before the switch. */
  restoreEvent: (facts: { carried: number; replaced: boolean; durationMs: number }) => EventRecord;
}

/** What marks a database as ours, in its comment: which target it belongs to and how far it got. */
interface Marker {
  ogelRestore?: string;
  ogelReplaced?: string;
  keep?: boolean;
  backupId?: string;
  startedAt?: string;
  phase?: 'building' | 'switching';
  /** On a database being replaced: its own comment, given back if the restore dies before the switch. */
  comment?: string | null;
}

/**
 * Restores a backup so that it cannot half-happen: pg_restore builds a fresh database beside the target while
 * every byte is checked against the manifest's sha256; only a complete, checked copy is switched in, under the
 * target's migration lock, by renaming both databases in one transaction. Killed at any point before the
 * switch, the target is untouched; the next restore drops the copy it left.
 */
export async function restoreBackup(o: RestoreBackupOptions): Promise<RestoreOutcome> {
  const started = performance.now();
  const target = databaseNameOf(o.targetUrl);
  const dump = o.manifest.dump;
  const where = o.store.locate(dump.file);
  const progress = progressReporter(o, target);
  progress.phase('checking');
  const size = await o.store.size(dump.file);
  if (size === null)
    throw new OgelError(
      'RESTORE_FAILED',
      `${where} is missing from the store: backup ${o.manifest.id} cannot be restored`,
    );
  if (size !== dump.sizeBytes)
    throw new OgelError(
      'RESTORE_FAILED',
      `${where} is ${size < dump.sizeBytes ? 'truncated' : 'corrupted (longer than written)'}: ${size} bytes in the store, ${dump.sizeBytes} in its manifest. Nothing was changed.`,
      { id: o.manifest.id, storeBytes: size, manifestBytes: dump.sizeBytes },
    );

  const admin = await connectClient(withDatabase(o.targetUrl, target === 'postgres' ? 'template1' : 'postgres'), {
    applicationName: applicationName(o.identity),
    purpose: 'restore: the server’s maintenance database',
  });
  try {
    // Every later CREATE DATABASE would copy the restored data, and the server refuses to drop the template
    // it replaced half-way through the switch.
    if (target === 'template0' || target === 'template1' || (await isTemplateDatabase(admin, target)))
      throw new OgelError(
        'USAGE',
        `${describeUrl(o.targetUrl)} is a template database: a restore never replaces one. Nothing was changed.`,
        { database: target },
      );
    // One restore of a target at a time (on the maintenance database, where every restore of it connects):
    // another one's copy in progress must not be taken for a leftover and dropped.
    await new AdvisoryLock(admin, `restore of ${target}`, o.identity).acquire(o.lockWaitMs, o.onLockWait, o.signal);
    const cleanedUp = await dropLeftovers(admin, target);
    const exists = await databaseExists(admin, target);
    if (exists && !o.confirmed)
      throw new OgelError(
        'CONFIRMATION_REQUIRED',
        `${describeUrl(o.targetUrl)} exists: restoring backup ${o.manifest.id} replaces it. Confirm (--yes) to go on. Nothing was changed.`,
        { database: target },
      );
    const suffix = randomBytes(3).toString('hex');
    const temp = `${target.slice(0, 40)}__ogel_restore_${suffix}`;
    const marker: Marker = { ogelRestore: target, backupId: o.manifest.id, startedAt: new Date().toISOString() };
    progress.phase('creating');
    await admin.query(createDatabaseSql(temp, o.manifest.database)).catch((error: Error & { code?: string }) => {
      if (error.code !== '42501') throw error;
      throw new OgelError(
        'INSUFFICIENT_PRIVILEGE',
        `Cannot restore into ${describeUrl(o.targetUrl)}: the connecting role may not create databases there ` +
          `(${error.message}). A restore builds a fresh copy first: give the role CREATEDB (ALTER ROLE … CREATEDB) ` +
          'and membership in the role that owns the database. Nothing was changed.',
        { sqlState: '42501', database: target, privilege: 'CREATEDB' },
        { cause: error },
      );
    });
    let switched = false;
    let closedTarget = false;
    let liveComment: string | null = null;
    try {
      await admin.query(
        `COMMENT ON DATABASE ${quotedIdentifier(temp)} IS ${literal(JSON.stringify({ ...marker, phase: 'building' }))}`,
      );
      stopIfAsked(o.signal);
      progress.phase('restoring');
      await loadDump(o, withDatabase(o.targetUrl, temp), progress);
      stopIfAsked(o.signal);
      progress.phase('verifying');
      const tempUrl = withDatabase(o.targetUrl, temp);
      const copy = await connectClient(tempUrl, { applicationName: applicationName(o.identity), purpose: 'restore' });
      try {
        await checkRestoredVersion(copy, o);
        for (const sql of await schemaFixes(copy, o.manifest)) await copy.query(sql);
        for (const sql of databasePropsSql(temp, o.manifest.database)) await admin.query(sql);
        stopIfAsked(o.signal);
        progress.phase('switching');
        await admin.query(
          `COMMENT ON DATABASE ${quotedIdentifier(temp)} IS ${literal(JSON.stringify({ ...marker, phase: 'switching' }))}`,
        );
        const replacedName = `${target.slice(0, 39)}__ogel_replaced_${suffix}`;
        let carried = 0;
        let eventsNote: string | null = null;
        let terminatedConnections: DatabaseSession[] = [];
        if (exists) {
          const live = await connectClient(o.targetUrl, {
            applicationName: applicationName(o.identity),
            purpose: 'restore',
          });
          try {
            // Under the target's own lock: no migration runs while its events are carried and the databases swap.
            const lock = new AdvisoryLock(live, o.tracking.display, o.identity);
            await lock.acquire(o.lockWaitMs, o.onLockWait, o.signal);
            ({ carried, eventsNote } = await carryEvents(live, copy, o, target));
            if (o.manifest.tracking.applied.length > 0 || (await trackingTableExists(copy, o.tracking)))
              await copy.query(
                insertEventSql(o.tracking, o.restoreEvent({ carried, replaced: true, durationMs: elapsed(started) })),
              );
            const own = (await live.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
            terminatedConnections = await sessionsOn(admin, target, [own]);
            liveComment = (
              await admin.query<{ comment: string | null }>(
                "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
                [target],
              )
            ).rows[0]!.comment;
            // The marker keeps the original's comment: a restore killed from here on gives it back (dropLeftovers).
            const replaced: Marker = {
              ogelReplaced: target,
              keep: o.keepReplaced,
              backupId: o.manifest.id,
              comment: liveComment,
            };
            await admin.query(
              `COMMENT ON DATABASE ${quotedIdentifier(target)} IS ${literal(JSON.stringify(replaced))}`,
            );
            await admin.query(`ALTER DATABASE ${quotedIdentifier(target)} WITH ALLOW_CONNECTIONS false`);
          } finally {
            closedTarget = true;
            await live.end().catch(() => {});
          }
        } else if (await trackingTableExists(copy, o.tracking)) {
          await copy.query(
            insertEventSql(o.tracking, o.restoreEvent({ carried: 0, replaced: false, durationMs: elapsed(started) })),
          );
        }
        await copy.end().catch(() => {});
        if (exists) await endSessions(admin, target);
        await endSessions(admin, temp);
        const comment = o.manifest.database.comment;
        await admin.query('BEGIN');
        try {
          if (exists)
            await admin.query(`ALTER DATABASE ${quotedIdentifier(target)} RENAME TO ${quotedIdentifier(replacedName)}`);
          await admin.query(`ALTER DATABASE ${quotedIdentifier(temp)} RENAME TO ${quotedIdentifier(target)}`);
          await admin.query(`COMMENT ON DATABASE ${quotedIdentifier(target)} IS ${literal(comment)}`);
          await admin.query('COMMIT');
        } catch (error) {
          await admin.query('ROLLBACK').catch(() => {});
          throw error;
        }
        switched = true;
        let keptReplacedAs: string | null = null;
        if (exists && o.keepReplaced) {
          await admin.query(`ALTER DATABASE ${quotedIdentifier(replacedName)} WITH ALLOW_CONNECTIONS true`);
          keptReplacedAs = replacedName;
        } else if (exists) await dropDatabase(admin, replacedName);
        const rtoMs = await firstAnswer(o.targetUrl, started, o.identity);
        progress.phase('done');
        return {
          database: describeUrl(o.targetUrl),
          replaced: exists,
          keptReplacedAs,
          terminatedConnections,
          carriedEvents: carried,
          eventsNote,
          cleanedUp,
          rtoMs,
        };
      } finally {
        await copy.end().catch(() => {});
      }
    } catch (error) {
      if (!switched) {
        await dropDatabase(admin, temp).catch(() => {});
        if (closedTarget)
          await admin
            .query(
              `ALTER DATABASE ${quotedIdentifier(target)} WITH ALLOW_CONNECTIONS true; COMMENT ON DATABASE ${quotedIdentifier(target)} IS ${literal(liveComment)}`,
            )
            .catch(() => {});
      }
      throw error;
    }
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Feeds the dump to pg_restore (a stream, or a file for --jobs) and checks its sha256 on the way. */
async function loadDump(
  o: RestoreBackupOptions,
  url: string,
  progress: ReturnType<typeof progressReporter>,
): Promise<void> {
  const hash = createHash('sha256');
  const count = (chunk: Buffer) => {
    hash.update(chunk);
    progress.bytes(chunk.length);
  };
  const { url: toolUrl, env } = splitPassword(url);
  const args = ['--dbname', toolUrl, '--exit-on-error', '--verbose'];
  let restored: { code: number | null; stderr: string };
  if (o.jobs && o.jobs > 1) {
    // Parallel jobs seek in the file: a folder's own, or a private download (hashed as it arrives).
    const copy = await o.store.localCopy(o.manifest.dump.file, count);
    try {
      const run = runPgRestore(o.pgRestore, [...args, `--jobs=${o.jobs}`, copy.path], env, null, progress, o.signal);
      const hashed = copy.downloaded ? Promise.resolve() : drain(createReadStream(copy.path), count);
      [restored] = await Promise.all([run, hashed]);
    } finally {
      await copy.release();
    }
  } else {
    restored = await runPgRestore(
      o.pgRestore,
      args,
      env,
      await o.store.get(o.manifest.dump.file),
      progress,
      o.signal,
      count,
    );
  }
  stopIfAsked(o.signal);
  const sha256 = hash.digest('hex');
  if (sha256 !== o.manifest.dump.sha256)
    throw new OgelError(
      'RESTORE_FAILED',
      `${o.store.locate(o.manifest.dump.file)} is corrupted (checksum mismatch: sha256 ${sha256} in the store, ${o.manifest.dump.sha256} in its manifest). The copy was dropped; nothing was changed.`,
      { id: o.manifest.id },
    );
  if (restored.code !== 0)
    throw new OgelError(
      'RESTORE_FAILED',
      `pg_restore of backup ${o.manifest.id} failed: ${maskUrl(restored.stderr.trim() || `exit ${restored.code}`)}. The copy was dropped; nothing was changed.`,
      { id: o.manifest.id },
    );
  progress.objectsDone();
}

function runPgRestore(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input: Readable | null,
  progress: ReturnType<typeof progressReporter>,
  signal: AbortSignal | undefined,
  onChunk?: (chunk: Buffer) => void,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'],
  });
  endOnAbort(child, signal);
  let errors = '';
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/^pg_restore: (creating|processing data for table) /.test(line)) progress.object();
      else if (!/^pg_restore: (connecting|executing|processing item|entering|launching|finished|implied)/.test(line))
        errors += `${line}\n`;
    }
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('error', (error) => resolve({ code: -1, stderr: `${command} could not be started: ${error.message}` }));
    child.on('close', (code) => resolve({ code, stderr: (errors + partial).split('\n').slice(-20).join('\n') }));
  });
  if (!input) return exited;
  const fed = feed(input, child.stdin!, onChunk, signal);
  return Promise.all([exited, fed]).then(([result]) => result);
}

/**
 * Writes the source into pg_restore with back-pressure; if pg_restore stops reading (it failed), the rest is
 * still read and hashed, so a corrupt dump is reported as corrupt rather than as pg_restore's complaint.
 */
async function feed(
  source: Readable,
  sink: NodeJS.WritableStream & { writable: boolean },
  onChunk?: (chunk: Buffer) => void,
  signal?: AbortSignal,
) {
  let open = true;
  sink.on('error', () => (open = false));
  sink.on('close', () => (open = false));
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (signal?.aborted) {
      source.destroy();
      break;
    }
    onChunk?.(chunk);
    if (open && sink.writable && !sink.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          sink.removeListener('drain', done);
          sink.removeListener('close', done);
          resolve();
        };
        sink.once('drain', done);
        sink.once('close', done);
      });
  }
  if (open) sink.end();
}

async function drain(source: Readable, onChunk: (chunk: Buffer) => void): Promise<void> {
  for await (const chunk of source as AsyncIterable<Buffer>) onChunk(chunk);
}

/** The copy must hold the version its manifest recorded: anything else is not the backup that was asked for. */
async function checkRestoredVersion(copy: pg.ClientBase, o: RestoreBackupOptions): Promise<void> {
  const expected = o.manifest.tracking.version;
  if (expected === null) return;
  const applied = (await trackingTableExists(copy, o.tracking)) ? await readAppliedRows(copy, o.tracking) : [];
  const version = currentVersion(applied);
  if (version !== expected)
    throw new OgelError(
      'RESTORE_FAILED',
      `The restored copy of backup ${o.manifest.id} is at version ${version ?? '(none)'}, its manifest says ${expected}. The copy was dropped; nothing was changed.`,
      { id: o.manifest.id },
    );
}

/** Owner and privileges of every schema back to what the manifest recorded (pg_dump leaves `public`'s to chance). */
async function schemaFixes(copy: pg.ClientBase, manifest: BackupManifest): Promise<string[]> {
  const now = new Map((await readSchemaAccess(copy)).map((s) => [s.name, s]));
  const fixes: string[] = [];
  for (const want of manifest.schemas) {
    const have = now.get(want.name);
    if (!have) continue;
    if (have.owner !== want.owner)
      fixes.push(`ALTER SCHEMA ${quotedIdentifier(want.name)} OWNER TO ${quotedIdentifier(want.owner)}`);
    if (JSON.stringify(have.acl) === JSON.stringify(want.acl) && have.owner === want.owner) continue;
    const grantees = new Set((have.acl ?? []).map((item) => item.slice(0, item.indexOf('='))).filter((g) => g !== ''));
    fixes.push(
      ...[...grantees].map(
        (g) =>
          `REVOKE ALL ON SCHEMA ${quotedIdentifier(want.name)} FROM ${g.startsWith('"') ? g : quotedIdentifier(g)}`,
      ),
    );
    fixes.push(
      ...(want.acl === null
        ? [`GRANT USAGE, CREATE ON SCHEMA ${quotedIdentifier(want.name)} TO ${quotedIdentifier(want.owner)}`]
        : aclSql('SCHEMA', want.name, want.owner, want.acl)),
    );
  }
  return fixes;
}

/**
 * Events the live database recorded after the backup go into the copy with their ids, and the copy's sequence
 * continues after the live one's: the log only grows, and no id is handed out twice.
 */
async function carryEvents(
  live: pg.ClientBase,
  copy: pg.ClientBase,
  o: RestoreBackupOptions,
  target: string,
): Promise<{ carried: number; eventsNote: string | null }> {
  const t = o.tracking;
  const sameDatabase =
    target === o.manifest.database.name && describeUrl(o.targetUrl).startsWith(`${o.manifest.database.server}/`);
  if (!sameDatabase)
    return {
      carried: 0,
      eventsNote: `${target} is not the database backed up (${o.manifest.database.server}/${o.manifest.database.name}): its own events were not carried`,
    };
  if (!(await trackingTableExists(live, t)) || !(await trackingTableExists(copy, t)))
    return { carried: 0, eventsNote: null };
  const after = o.manifest.tracking.lastEvent?.id ?? 0;
  const sequence = `pg_get_serial_sequence(${literal(t.events)}, 'id')`;
  const rows = await live.query<{ events: string; last: string | null }>(
    `SELECT (SELECT coalesce(json_agg(e ORDER BY e.id), '[]')::text FROM ${t.events} e WHERE e.id > $1) AS events,
            pg_sequence_last_value(${sequence}::regclass)::text AS last`,
    [after],
  );
  const { events, last } = rows.rows[0]!;
  const carried = (JSON.parse(events) as unknown[]).length;
  if (carried > 0)
    await copy.query(`INSERT INTO ${t.events} SELECT * FROM json_populate_recordset(NULL::${t.events}, $1::json)`, [
      events,
    ]);
  await copy.query(`SELECT setval(${sequence}, greatest((SELECT max(id) FROM ${t.events}), $1::bigint, 1), true)`, [
    last ?? '0',
  ]);
  return { carried, eventsNote: null };
}

/** Copies and replaced databases a killed restore of this target left behind: dropped, and reported. */
async function dropLeftovers(admin: pg.ClientBase, target: string): Promise<LeftoverDatabase[]> {
  const candidates = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE '%\\_\\_ogel\\_%'`,
  );
  const dropped: LeftoverDatabase[] = [];
  for (const row of candidates.rows) {
    let marker: Marker;
    try {
      marker = JSON.parse(row.comment ?? 'null') ?? {};
    } catch {
      continue;
    }
    if (marker.ogelRestore === target) {
      if (marker.phase === 'switching') await reopenTarget(admin, target);
      await dropDatabase(admin, row.datname);
      dropped.push({
        name: row.datname,
        backupId: marker.backupId ?? null,
        startedAt: marker.startedAt ?? null,
        phase: marker.phase ?? null,
      });
    } else if (marker.ogelReplaced === target && marker.keep !== true && row.datname !== target) {
      await dropDatabase(admin, row.datname);
      dropped.push({ name: row.datname, backupId: marker.backupId ?? null, startedAt: null, phase: 'switching' });
    }
  }
  return dropped;
}

/** A restore died mid-switch: the target takes connections again and gets its own comment back. */
async function reopenTarget(admin: pg.ClientBase, target: string): Promise<void> {
  const found = await admin.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [target],
  );
  if (found.rowCount === 0) return;
  await admin.query(`ALTER DATABASE ${quotedIdentifier(target)} WITH ALLOW_CONNECTIONS true`);
  let marker: Marker | null = null;
  try {
    marker = JSON.parse(found.rows[0]!.comment ?? 'null') as Marker | null;
  } catch {
    return;
  }
  if (marker?.ogelReplaced === target) {
    const comment = marker.comment ?? null;
    await admin.query(`COMMENT ON DATABASE ${quotedIdentifier(target)} IS ${literal(comment)}`);
  }
}

async function dropDatabase(admin: pg.ClientBase, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${quotedIdentifier(name)} WITH (FORCE)`);
}

/** Restore start to the first query the restored database answers: the recovery time a user sees. */
async function firstAnswer(url: string, started: number, identity: RunnerIdentity): Promise<number> {
  const client = await connectClient(url, { applicationName: applicationName(identity), purpose: 'restore' });
  try {
    await client.query('SELECT 1');
    return elapsed(started);
  } finally {
    await client.end().catch(() => {});
  }
}

function stopIfAsked(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw interruptedError(signal, 'the restore stopped before the switch: the copy was dropped, nothing was changed');
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

/** Progress: every phase change, and bytes and objects at most every 1 % or 250 ms. */
function progressReporter(o: RestoreBackupOptions, database: string) {
  const state: RestoreProgress = {
    id: o.manifest.id,
    database,
    phase: 'checking',
    bytes: 0,
    totalBytes: o.manifest.dump.sizeBytes,
    objects: 0,
    totalObjects: o.manifest.dump.objects,
  };
  let lastAt = 0;
  let lastBytes = 0;
  const emit = () => {
    lastAt = performance.now();
    lastBytes = state.bytes;
    o.onProgress?.({ ...state });
  };
  const maybe = () => {
    if (performance.now() - lastAt > 250 || state.bytes - lastBytes > state.totalBytes / 100) emit();
  };
  return {
    phase(phase: RestorePhase) {
      state.phase = phase;
      emit();
    },
    bytes(n: number) {
      state.bytes += n;
      maybe();
    },
    object() {
      state.objects = state.totalObjects === null ? state.objects + 1 : Math.min(state.totalObjects, state.objects + 1);
      maybe();
    },
    objectsDone() {
      emit();
    },
  };
}
