import { createTrackingTablesSql, readAppliedRows, type QualifiedTracking } from '../db/tracking-store.js';
import type { ExecutionSettings } from '../db/execute-script.js';
import type { MigrationSource } from '../source/file-source.js';
import { OgelError } from '../errors.js';
import { cloneSchema } from './clone-schema.js';
import { createEmbeddedScratch, createScratchOnServer, withScratch } from './scratch.js';
import { verifyMigrations, type MigrationVerification, type VerifyReport } from './verify.js';
import { compareVersions } from '../core/version.js';
import { withClient } from '../db/connect.js';

export interface RunVerifyOptions {
  /** Test only migrations above this version; the ones up to it are applied first without checks. */
  from?: string;
  /** Clone this database's schema (pg_dump --schema-only) and test its pending migrations. */
  schemaFrom?: string;
  /** Use a private embedded PostgreSQL instead of CREATE DATABASE on the target server. */
  embedded?: boolean;
  requireDown?: boolean;
  /**
   * Scratch databases that test segments of the migrations in parallel (default 2; sets too small to split
   * use one). Each is one more connection and CREATE DATABASE on the scratch server.
   */
  jobs?: number;
  onProgress?: (result: MigrationVerification, index: number, total: number) => void;
  /** Stops the test: the report so far comes back with `interrupted` set, and the scratch databases are dropped. */
  signal?: AbortSignal;
}

/** Two: most servers have the cores for a second busy connection, and verify time nearly halves. */
export const DEFAULT_VERIFY_JOBS = 2;

/** Sets up the scratch database (same server, embedded, or a schema clone) and runs the rollback tests. */
export async function runVerify(
  context: {
    source: MigrationSource;
    databaseUrl: string | undefined;
    settings: ExecutionSettings;
    tracking: QualifiedTracking;
    trackingTables: string[];
  },
  options: RunVerifyOptions,
): Promise<VerifyReport> {
  const set = await context.source.load();
  const serverUrl = context.databaseUrl;
  if (!options.embedded && !serverUrl) {
    throw new OgelError(
      'INVALID_DATABASE_URL',
      'verify needs a server for its scratch database: pass --database-url, --env, or --embedded',
    );
  }
  const create = options.embedded ? () => createEmbeddedScratch() : () => createScratchOnServer(serverUrl!);
  return withScratch(create, async (scratch) => {
    let from = options.from;
    let fromIsPresent = false;
    if (options.schemaFrom) {
      await cloneSchema(options.schemaFrom, scratch.url);
      from ??= await currentVersionOf(options.schemaFrom, context.tracking);
      fromIsPresent = true;
    }
    if (from !== undefined && from !== null && !set.migrations.some((m) => compareVersions(m.version, from!) === 0)) {
      throw new OgelError('UNKNOWN_VERSION', `No migration has version ${from} to start the rollback test from`);
    }
    return verifyMigrations({
      set,
      scratchUrl: scratch.url,
      scratchDescription: scratch.description,
      settings: context.settings,
      snapshot: { excludeTables: context.trackingTables },
      trackingSql: createTrackingTablesSql(context.tracking),
      ...(from ? { from } : {}),
      fromIsPresent,
      ...(options.requireDown ? { requireDown: true } : {}),
      createSibling: () => scratch.createSibling('ogel_verify'),
      jobs: options.jobs ?? DEFAULT_VERIFY_JOBS,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  });
}

async function currentVersionOf(url: string, tracking: QualifiedTracking): Promise<string | undefined> {
  const rows = await withClient(url, (client) => readAppliedRows(client, tracking), { purpose: '--schema-from' });
  return rows
    .filter((r) => r.status === 'applied')
    .map((r) => r.version)
    .sort(compareVersions)
    .at(-1);
}
