import { z } from 'zod';
import { historyEvent, lintFinding, version } from './common.js';
import { verifyReport } from './checks.js';
import { promotionViolation } from './runs.js';
import { statusResponse } from './status.js';

/** `?fleet=`: a fleet from the config (default: the only one). */
export const fleetQuery = z.strictObject({ fleet: z.string().optional() });

/** GET /fleet: `fresh=true` waits for a new status of every target instead of the last one kept. */
export const fleetOverviewQuery = z.strictObject({
  fleet: z.string().optional(),
  fresh: z.enum(['true', 'false']).optional(),
});

export const fleetState = z.enum([
  'up-to-date',
  'behind',
  'applied',
  'reverted',
  'failed',
  'not-reached',
  'unreachable',
]);

export const fleetCounts = z.strictObject(
  Object.fromEntries(fleetState.options.map((s) => [s, z.number()])) as Record<z.infer<typeof fleetState>, z.ZodNumber>,
);

export const fleetTargetResult = z.strictObject({
  name: z.string(),
  state: fleetState,
  /** Applied or reverted by the run; pending (status) or planned (a plan). */
  versions: z.array(z.string()),
  current: z.string().nullable(),
  canary: z.boolean(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  durationMs: z.number().nullable(),
});

export const fleetReview = z.strictObject({
  fleet: z.string(),
  protected: z.boolean(),
  /** What a change must carry: `{ confirm: <fleet>, plan: <fleet plan id> }`, or null. */
  requires: z.strictObject({ confirm: z.string(), plan: z.string() }).nullable(),
  promotion: z.strictObject({ upstream: z.string(), violations: z.array(promotionViolation) }).nullable(),
  backup: z.strictObject({ policy: z.enum(['always', 'destructive', 'never']) }).nullable(),
});

/** A fleet operation's result (`ogel-migrate fleet … --json`): every target in fleet order, counts by state. */
export const fleetReport = z.strictObject({
  fleet: z.string(),
  operation: z.enum(['status', 'migrate', 'rollback']),
  dryRun: z.boolean(),
  planId: z.string().nullable(),
  review: fleetReview.nullable(),
  concurrency: z.number(),
  counts: fleetCounts,
  targets: z.array(fleetTargetResult),
  stopped: z.strictObject({ reason: z.enum(['canary', 'failures', 'interrupted']), message: z.string() }).nullable(),
  findings: z.array(lintFinding),
  ok: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
});

/** A run in progress in this server: how far it got. */
const fleetRunProgress = z.strictObject({
  operation: z.enum(['migrate', 'rollback']),
  startedAt: z.string(),
  total: z.number(),
  done: z.number(),
  running: z.number(),
  counts: fleetCounts,
});

/** One fleet at a glance, from the last status kept (refreshed in the background) and this server's runs. */
export const fleetSummary = z.strictObject({
  name: z.string(),
  kind: z.enum(['databases', 'schemas']),
  protected: z.boolean(),
  after: z.string().nullable(),
  /** Whether the caller's token may run migrate / rollback on it. */
  writable: z.boolean(),
  concurrency: z.number(),
  canary: z.number(),
  /** Targets by state at the last status; null before the first one finished. */
  counts: fleetCounts.nullable(),
  targets: z.number().nullable(),
  /** When the last status finished, and how often it is refreshed. */
  refreshedAt: z.string().nullable(),
  refreshMs: z.number(),
  /** Why the last status could not be taken (a control database down, a bad targets file), or null. */
  error: z.string().nullable(),
  run: fleetRunProgress.nullable(),
  lastRun: fleetReport.omit({ targets: true, findings: true }).nullable(),
});

export const fleetsResponse = z.strictObject({ fleets: z.array(fleetSummary) });

/** GET /fleet: the summary and every target's state at the last status (the failing and lagging ones first). */
export const fleetOverviewResponse = fleetSummary.extend({
  status: fleetReport.nullable(),
  /** Targets that failed or could not be reached, with their errors. */
  failing: z.array(fleetTargetResult),
  /** Targets with pending migrations, most behind first. */
  lagging: z.array(fleetTargetResult),
});

/** Drill-down into one target: its status (as `status --json`) and its latest events. */
export const fleetTargetResponse = z.strictObject({
  fleet: z.string(),
  target: z.string(),
  status: statusResponse,
  events: z.array(historyEvent),
});

const rollout = {
  dryRun: z.boolean().optional(),
  /** The first K targets go first; a failure among them stops the run. */
  canary: z.number().int().min(0).optional(),
  stopAfterFailures: z.number().int().min(1).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  /** Names or globs (`tenant_0*`) of the targets to cover, or to leave out. */
  only: z.array(z.string().min(1)).min(1).optional(),
  except: z.array(z.string().min(1)).min(1).optional(),
  /** A protected fleet: its name, typed back. */
  confirm: z.string().optional(),
  /** The fleet plan id from GET /fleet/plan (required with confirm; binds any run to that plan). */
  plan: z.string().optional(),
  /** `false` skips the backups the fleet's backupPolicy would take. */
  backup: z.boolean().optional(),
};

export const fleetMigrateBody = z.strictObject({
  ...rollout,
  to: version.optional(),
  outOfOrder: z.boolean().optional(),
  ignoreMissing: z.boolean().optional(),
  force: z.strictObject({ reason: z.string().trim().min(1, 'a force needs a reason') }).optional(),
});

export const fleetRollbackBody = z
  .strictObject({
    ...rollout,
    steps: z.number().int().min(1).optional(),
    to: z.union([version, z.literal('0')]).optional(),
  })
  .refine((b) => !(b.steps !== undefined && b.to !== undefined), {
    message: 'give either steps or to, not both',
    path: ['steps'],
  });

/** GET /fleet/plan: what migrate (or rollback) would do on each target, and the fleet plan id. */
export const fleetPlanQuery = z
  .strictObject({
    fleet: z.string().optional(),
    operation: z.enum(['migrate', 'rollback']).optional(),
    to: z.union([version, z.literal('0')]).optional(),
    steps: z.coerce.number().int().min(1).optional(),
    only: z.string().optional(),
    except: z.string().optional(),
  })
  .refine((q) => q.steps === undefined || q.operation === 'rollback', {
    message: 'steps goes with operation=rollback',
    path: ['steps'],
  });

export const fleetVerifyResponse = z.strictObject({
  fleet: z.string(),
  ok: z.boolean(),
  servers: z.array(
    z.strictObject({
      server: z.string(),
      targets: z.number(),
      example: z.string(),
      report: verifyReport.nullable(),
      error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
