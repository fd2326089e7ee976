import { z } from 'zod';
import { review } from './runs.js';

export const backupRecord = z.strictObject({
  id: z.string(),
  env: z.string().nullable(),
  database: z.string(),
  version: z.string().nullable(),
  format: z.enum(['custom', 'directory']),
  path: z.string(),
  sizeBytes: z.number(),
  durationMs: z.number(),
  checksum: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

export const backupsResponse = z.strictObject({ backups: z.array(backupRecord) });

export const createBackupBody = z.strictObject({
  format: z.enum(['custom', 'directory']).optional(),
  jobs: z.number().int().min(1).max(32).optional(),
});

export const createBackupResponse = backupRecord.extend({ pruned: z.array(z.string()) });

export const backupIdParam = z.string().regex(/^[\w.-]{1,80}$/, 'a backup id as listed by GET /backups');

/** Restoring replaces the database: `{ confirm: <environment>, plan: <id from GET /plan?operation=restore> }`. */
export const restoreBody = z.strictObject({
  confirm: z.string().optional(),
  plan: z.string().optional(),
  jobs: z.number().int().min(1).max(32).optional(),
});

export const restoreResponse = z.strictObject({
  id: z.string(),
  database: z.string(),
  version: z.string().nullable(),
  durationMs: z.number(),
  environment: z.string(),
});

export const restorePlanResponse = z.strictObject({
  environment: z.string(),
  planId: z.string(),
  backup: backupRecord,
  review,
});
