import { z } from 'zod';
import { review } from './runs.js';

export const backupRecord = z.strictObject({
  id: z.string(),
  env: z.string().nullable(),
  database: z.string(),
  version: z.string().nullable(),
  format: z.literal('custom'),
  /** A path in a local store, or an s3:// URL. */
  path: z.string(),
  sizeBytes: z.number(),
  durationMs: z.number(),
  checksum: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  reason: z.string(),
});

/** The store's listing: this environment's backups newest first, and what could not be read (bad manifests, orphan dumps). */
export const backupsResponse = z.strictObject({
  /** The folder or s3:// URL read. */
  store: z.string(),
  backups: z.array(backupRecord),
  problems: z.array(z.string()),
});

/** Backups are custom-format dumps streamed into the store: nothing to choose. */
export const createBackupBody = z.strictObject({});

export const createBackupResponse = backupRecord.extend({ pruned: z.array(z.string()) });

export const backupIdParam = z.string().regex(/^[\w.-]{1,80}$/, 'a backup id as listed by GET /backups');

/** Restoring replaces the database: `{ confirm: <environment>, plan: <id from GET /plan?operation=restore> }`. */
export const restoreBody = z.strictObject({
  confirm: z.string().optional(),
  plan: z.string().optional(),
  jobs: z.number().int().min(1).max(32).optional(),
  /** Keep the replaced database under a new name instead of dropping it. */
  keepReplaced: z.boolean().optional(),
  /** Another environment's backup over this one: the environment it is from, named on purpose. */
  fromEnvironment: z.string().optional(),
});

export const restoreResponse = z.strictObject({
  id: z.string(),
  /** The database restored into. */
  database: z.string(),
  version: z.string().nullable(),
  durationMs: z.number(),
  /** An existing database was replaced (its other sessions ended, listed below). */
  replaced: z.boolean(),
  /** The replaced database kept under this name (keepReplaced), or null. */
  keptReplacedAs: z.string().nullable(),
  terminatedConnections: z.array(
    z.strictObject({
      pid: z.number(),
      user: z.string().nullable(),
      applicationName: z.string().nullable(),
      clientAddress: z.string().nullable(),
    }),
  ),
  /** Events recorded after the backup, carried into the restored log with their ids. */
  carriedEvents: z.number(),
  eventsNote: z.string().nullable(),
  /** Databases interrupted restores had left, dropped first. */
  cleanedUp: z.array(
    z.strictObject({
      name: z.string(),
      backupId: z.string().nullable(),
      startedAt: z.string().nullable(),
      phase: z.enum(['building', 'switching']).nullable(),
    }),
  ),
  /** Restore start to the first query the restored database answered. */
  rtoMs: z.number(),
  environment: z.string(),
});

export const restorePlanResponse = z.strictObject({
  environment: z.string(),
  planId: z.string(),
  backup: backupRecord,
  review,
});
