import { z } from 'zod';
import { historyEvent, lintFinding, lockHolder, trackedVersion } from './common.js';

export const migrationState = z.enum(['applied', 'pending', 'modified', 'missing', 'failed']);

export const migrationRow = z.strictObject({
  version: z.string(),
  name: z.string(),
  state: migrationState,
  checksum: z.string(),
  appliedAt: z.string().nullable(),
  appliedBy: z.string().nullable(),
  executionMs: z.number().nullable(),
  kind: z.enum(['migration', 'baseline']).nullable(),
  reversible: z.boolean(),
  /** What the tracking table recorded, when the file changed since (`modified`). */
  appliedChecksum: z.string().optional(),
  /** Why a migration is `failed`. */
  error: z.string().optional(),
  /** A repeatable migration (`R_name.sql`): applied again whenever its checksum changes. */
  repeatable: z.boolean().optional(),
});

/** Exactly what `ogel-migrate status --json` prints. */
export const statusResponse = z.strictObject({
  table: z.string(),
  current: z.string().nullable(),
  counts: z.strictObject({
    applied: z.number(),
    pending: z.number(),
    modified: z.number(),
    missing: z.number(),
    failed: z.number(),
  }),
  migrations: z.array(migrationRow),
  ignored: z.array(z.strictObject({ file: z.string(), reason: z.string() })),
});

export const historyQuery = z.strictObject({
  env: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().min(1).optional(),
  /** One kind of event (the tracking store's EventKind); another name is a 400, not an empty page. */
  event: z.enum(['apply', 'rollback', 'baseline', 'repair', 'backup', 'restore', 'promotion_override']).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  version: trackedVersion.optional(),
});

export const historyResponse = z.strictObject({
  events: z.array(historyEvent),
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: z.number().nullable(),
});

export const lockResponse = z.strictObject({ holder: lockHolder.nullable() });

export const migrationDetailResponse = z.strictObject({
  version: z.string(),
  name: z.string(),
  state: migrationState,
  file: z.string().nullable(),
  up: z.string().nullable(),
  downFile: z.string().nullable(),
  down: z.string().nullable(),
  /** The SQL was cut at the size limit (very large files are not sent whole or linted). */
  truncated: z.boolean(),
  events: z.array(historyEvent),
  lint: z.array(lintFinding),
});
