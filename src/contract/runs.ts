import { z } from 'zod';
import { lintFinding, version } from './common.js';

/** What a protected environment's change must carry; binds the change to the plan that was reviewed. */
const confirmation = {
  /** The environment's name, typed back. */
  confirm: z.string().optional(),
  /** The plan id from GET /plan or a dry run. */
  plan: z.string().optional(),
};

const skipBackup = {
  /** `false` skips the backup the policy would take first (recorded in the event log). */
  backup: z.boolean().optional(),
};

export const migrateBody = z.strictObject({
  to: version.optional(),
  dryRun: z.boolean().optional(),
  outOfOrder: z.boolean().optional(),
  ignoreMissing: z.boolean().optional(),
  /** Apply although the upstream environment has not; the reason goes into the event log. */
  force: z.strictObject({ reason: z.string().trim().min(1, 'a force needs a reason') }).optional(),
  ...confirmation,
  ...skipBackup,
});

export const rollbackBody = z
  .strictObject({
    steps: z.number().int().min(1).optional(),
    to: z.union([version, z.literal('0')]).optional(),
    dryRun: z.boolean().optional(),
    ...confirmation,
    ...skipBackup,
  })
  .refine((b) => !(b.steps !== undefined && b.to !== undefined), {
    message: 'give either steps or to, not both',
    path: ['steps'],
  });

export const repairBody = z.strictObject({
  markApplied: z.array(version).optional(),
  removeMissing: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  ...confirmation,
});

export const baselineBody = z.strictObject({
  to: version,
  dryRun: z.boolean().optional(),
  ...confirmation,
});

/** `?env=&wait=true`: wait for another run's lock instead of answering 409 at once. */
export const runQuery = z.strictObject({ env: z.string().optional(), wait: z.enum(['true', 'false']).optional() });

/** GET /plan: what an operation would do, its plan id and the rules that apply, before anything changes. */
export const planQuery = z
  .strictObject({
    env: z.string().optional(),
    operation: z.enum(['migrate', 'rollback', 'repair', 'baseline', 'restore']).optional(),
    to: z.union([version, z.literal('0')]).optional(),
    steps: z.coerce.number().int().min(1).optional(),
    outOfOrder: z.enum(['true', 'false']).optional(),
    ignoreMissing: z.enum(['true', 'false']).optional(),
    /** For operation=restore: the backup's id. */
    backup: z.string().optional(),
  })
  .refine((q) => q.steps === undefined || q.operation === 'rollback', {
    message: 'steps goes with operation=rollback',
    path: ['steps'],
  });

export const plannedMigration = z.strictObject({
  version: z.string(),
  name: z.string(),
  file: z.string(),
  transactional: z.boolean(),
  modeReason: z.string(),
  statements: z.number(),
  steps: z.array(z.strictObject({ line: z.number(), statement: z.string(), locks: z.array(z.string()) })).optional(),
  findings: z.array(lintFinding).optional(),
});

export const appliedMigration = z.strictObject({
  version: z.string(),
  name: z.string(),
  file: z.string(),
  transactional: z.boolean(),
  durationMs: z.number(),
});

export const promotionViolation = z.strictObject({
  version: z.string(),
  name: z.string(),
  reason: z.enum(['not-applied-upstream', 'checksum-differs', 'failed-upstream']),
});

/** The rules that apply to a plan, shown before anyone confirms it. */
export const review = z.strictObject({
  environment: z.string(),
  protected: z.boolean(),
  /** What a change must carry, or null where no confirmation is needed. */
  requires: z.strictObject({ confirm: z.string(), plan: z.string() }).nullable(),
  /** The upstream (`after`) and what it has not applied of this plan; null without `after`. */
  promotion: z.strictObject({ upstream: z.string(), violations: z.array(promotionViolation) }).nullable(),
  /** The backup taken before the run, or null. */
  backup: z.strictObject({ reason: z.string() }).nullable(),
});

const guarded = {
  environment: z.string(),
  review,
  backup: z.strictObject({ id: z.string(), reason: z.string() }).nullable(),
  forced: z.strictObject({ reason: z.string(), violations: z.array(promotionViolation) }).nullable(),
};

const planned = { runId: z.string(), dryRun: z.boolean(), planId: z.string() };

export const migrateResponse = z.strictObject({
  ...planned,
  planned: z.array(plannedMigration),
  applied: z.array(appliedMigration),
  current: z.string().nullable(),
  lockWaitMs: z.number(),
  ...guarded,
});

export const rollbackResponse = z.strictObject({
  ...planned,
  planned: z.array(plannedMigration),
  reverted: z.array(appliedMigration),
  current: z.string().nullable(),
  ...guarded,
});

export const repairResponse = z.strictObject({
  ...planned,
  removedFailed: z.array(z.string()),
  markedApplied: z.array(z.string()),
  realigned: z.array(z.string()),
  removedMissing: z.array(z.string()),
  ...guarded,
});

export const baselineResponse = z.strictObject({
  ...planned,
  baselined: z.array(z.strictObject({ version: z.string(), name: z.string() })),
  ...guarded,
});
