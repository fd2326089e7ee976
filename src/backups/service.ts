import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { connectClient, queryServerVersion } from '../db/connect.js';
import { describeUrl, maskUrl } from '../db/url.js';
import { splitPassword } from '../verify/clone-schema.js';
import { OgelError } from '../errors.js';
import type { MigrationRunner } from '../runner/runner.js';
import {
  backupsToPrune,
  createBackupsTableSql,
  insertBackupSql,
  readBackups,
  backupsTable,
  type BackupRecord,
} from './catalog.js';
import { checkToolVersion, runTool, toolMajor, toolPath } from './pg-tools.js';
import { literal } from '../db/sql-literals.js';

export interface BackupServiceOptions {
  runner: MigrationRunner;
  databaseUrl: string;
  backupDir: string;
  env?: string | null;
  pgBinDir?: string;
  keep?: number;
  keepDays?: number;
}

export interface CreateBackupOptions {
  format?: 'custom' | 'directory';
  /** Parallel dump jobs (directory format only: custom-format dumps are single-threaded). */
  jobs?: number;
  /** Why it was taken (`manual`, `before-migrate: protected`, …), recorded in the event. */
  reason?: string;
}

export interface RestoreOptions {
  /** Restore into this database instead of the one backed up. */
  toDatabaseUrl?: string;
  /** Restoring over the backed-up database replaces it: it needs an explicit yes. */
  confirmed?: boolean;
  jobs?: number;
  /** Recorded in the restore event's details (who asked, what they confirmed). */
  audit?: Record<string, unknown>;
}

export interface RestoreResult {
  id: string;
  database: string;
  version: string | null;
  durationMs: number;
}

/**
 * Logical backups with the real pg_dump / pg_restore, recorded in `schema_migration_backups` and the event
 * log. Restore checks the file's checksum first and the restored version after.
 */
export class BackupService {
  private readonly backupDir: string;
  constructor(private readonly options: BackupServiceOptions) {
    this.backupDir = resolve(options.backupDir);
  }

  async list(): Promise<BackupRecord[]> {
    return this.options.runner.withSession((session) => readBackups(session.client, this.options.runner.tracking));
  }

  async create(options: CreateBackupOptions = {}): Promise<BackupRecord & { pruned: string[] }> {
    const format = options.format ?? 'custom';
    const runner = this.options.runner;
    const { serverVersionNum, current } = await runner.withSession(async (session) => ({
      serverVersionNum: session.serverVersionNum,
      current: (await runner.status()).current,
    }));
    const pgDump = toolPath('pg_dump', this.options.pgBinDir);
    checkToolVersion('pg_dump', await toolMajor(pgDump), serverVersionNum);
    await mkdir(this.backupDir, { recursive: true });
    const id = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
    const path = join(this.backupDir, format === 'custom' ? `${id}.dump` : id);
    const { url, env } = splitPassword(this.options.databaseUrl);
    const started = performance.now();
    try {
      const jobs = format === 'directory' && options.jobs && options.jobs > 1 ? ['--jobs', String(options.jobs)] : [];
      await runTool(
        pgDump,
        ['--format', format === 'custom' ? 'custom' : 'directory', '--file', path, ...jobs, '--dbname', url],
        env,
      );
    } catch (error) {
      await rm(path, { recursive: true, force: true });
      await runner.recordEvent('backup', {
        outcome: 'failure',
        details: { error: (error as Error).message, reason: options.reason ?? 'manual' },
      });
      throw new OgelError(
        'BACKUP_FAILED',
        `pg_dump of ${describeUrl(this.options.databaseUrl)} failed: ${maskUrl((error as Error).message)}`,
        {},
        { cause: error },
      );
    }
    const record: BackupRecord = {
      id,
      env: this.options.env ?? null,
      database: describeUrl(this.options.databaseUrl),
      version: current,
      format,
      path,
      sizeBytes: await sizeOf(path),
      durationMs: Math.round(performance.now() - started),
      checksum: await checksumOfBackup(path, format),
      createdAt: new Date().toISOString(),
      createdBy: `${process.env.USER ?? 'unknown'}@${(await import('node:os')).hostname()}`,
    };
    await runner.withSession((session) =>
      session.client.query(`${createBackupsTableSql(runner.tracking)};\n${insertBackupSql(runner.tracking, record)}`),
    );
    await runner.recordEvent('backup', {
      version: current ?? undefined,
      details: { id, sizeBytes: record.sizeBytes, durationMs: record.durationMs, reason: options.reason ?? 'manual' },
    });
    const pruned = await this.prune();
    return { ...record, pruned };
  }

  /** Applies retention (keep N newest, keep days): deletes files and rows. */
  async prune(): Promise<string[]> {
    const { keep, keepDays } = this.options;
    if (keep === undefined && keepDays === undefined) return [];
    const victims = backupsToPrune(await this.list(), keep, keepDays, new Date());
    for (const victim of victims) await rm(victim.path, { recursive: true, force: true });
    if (victims.length > 0) {
      const ids = victims.map((v) => literal(v.id)).join(', ');
      await this.options.runner.withSession((session) =>
        session.client.query(`DELETE FROM ${backupsTable(this.options.runner.tracking)} WHERE id IN (${ids})`),
      );
    }
    return victims.map((v) => v.id);
  }

  async restore(id: string, options: RestoreOptions = {}): Promise<RestoreResult> {
    if (!/^[\w.-]+$/.test(id)) throw new OgelError('USAGE', `"${id}" is not a backup id`);
    const records = await this.list();
    const record = records.find((r) => r.id === id);
    if (!record) throw new OgelError('NOT_FOUND', `No backup ${id} (see ogel-migrate backups)`);
    const target = options.toDatabaseUrl ?? this.options.databaseUrl;
    const sameDatabase =
      !options.toDatabaseUrl || describeUrl(options.toDatabaseUrl) === describeUrl(this.options.databaseUrl);
    if (sameDatabase && !options.confirmed) {
      throw new OgelError(
        'CONFIRMATION_REQUIRED',
        `Restoring ${id} replaces ${describeUrl(target)} with its state at version ${record.version ?? '(none)'}: pass --yes. Nothing was changed.`,
      );
    }
    const actual = await checksumOfBackup(record.path, record.format).catch(() => null);
    if (actual !== record.checksum) {
      throw new OgelError(
        'RESTORE_FAILED',
        `Backup ${id} at ${record.path} is ${actual === null ? 'missing' : 'corrupted (checksum mismatch)'}; nothing was restored`,
        { expected: record.checksum, actual },
      );
    }
    const started = performance.now();
    const client = await connectClient(target, { purpose: 'restore' });
    try {
      const serverVersion = await queryServerVersion(client);
      checkToolVersion('pg_restore', await toolMajor(toolPath('pg_restore', this.options.pgBinDir)), serverVersion);
      // Empty the user schemas first: pg_restore --clean would leave objects created after the backup behind.
      await client.query(EMPTY_DATABASE_SQL);
      const { url, env } = splitPassword(target);
      const jobs = options.jobs && options.jobs > 1 ? ['--jobs', String(options.jobs)] : [];
      try {
        await runTool(
          toolPath('pg_restore', this.options.pgBinDir),
          ['--no-owner', '--exit-on-error', ...jobs, '--dbname', url, record.path],
          env,
        );
      } catch (error) {
        throw new OgelError(
          'RESTORE_FAILED',
          `pg_restore of ${id} into ${describeUrl(target)} failed: ${maskUrl((error as Error).message)}`,
          {},
          { cause: error },
        );
      }
      const tracking = this.options.runner.tracking;
      const restored = await readCurrentVersion(client, tracking.table);
      if (restored !== record.version) {
        throw new OgelError(
          'RESTORE_FAILED',
          `Restored ${id}, but the database is at version ${restored ?? '(none)'} instead of the backup's ${record.version ?? '(none)'}`,
        );
      }
      // The restore brought back the catalog as it was when dumped (without this very backup, recorded after
      // its dump, or any later one); every backup known before the restore still exists on disk.
      if (sameDatabase)
        await client.query(
          [createBackupsTableSql(tracking), ...records.map((r) => insertBackupSql(tracking, r))].join(';\n'),
        );
    } finally {
      await client.end().catch(() => {});
    }
    const durationMs = Math.round(performance.now() - started);
    const restoredRunner = options.toDatabaseUrl ? this.options.runner.forDatabase(target) : this.options.runner;
    await restoredRunner.recordEvent('restore', {
      version: record.version ?? undefined,
      details: { ...options.audit, id, durationMs, from: record.database },
    });
    return { id, database: describeUrl(target), version: record.version, durationMs };
  }
}

const EMPTY_DATABASE_SQL = `DO $$
DECLARE s record;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' AND nspname <> 'public' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s.nspname);
  END LOOP;
  DROP SCHEMA IF EXISTS public CASCADE;
  CREATE SCHEMA public;
END $$`;

async function readCurrentVersion(client: pg.ClientBase, table: string): Promise<string | null> {
  const exists = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
  if (!exists.rows[0]?.ok) return null;
  const rows = (
    await client.query<{ version: string }>(`SELECT version FROM ${table} WHERE status = 'applied'`)
  ).rows.map((r) => r.version);
  const { compareVersions } = await import('../core/version.js');
  return rows.sort(compareVersions).at(-1) ?? null;
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += (await stat(join(path, name))).size;
  return total;
}

/** sha256 of the dump file, or of a manifest of its files' digests for the directory format. */
async function checksumOfBackup(path: string, format: 'custom' | 'directory'): Promise<string> {
  if (format === 'custom') return `sha256:${await hashFile(path)}`;
  const names = (await readdir(path)).sort();
  const manifest = await Promise.all(names.map(async (name) => `${name}:${await hashFile(join(path, name))}`));
  return `sha256:${createHash('sha256').update(manifest.join('\n')).digest('hex')}`;
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
