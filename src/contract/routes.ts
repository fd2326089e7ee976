import { z } from 'zod';
import { envQuery, errorResponse } from './common.js';
import {
  baselineBody,
  baselineResponse,
  migrateBody,
  migrateResponse,
  planQuery,
  repairBody,
  repairResponse,
  rollbackBody,
  rollbackResponse,
  runQuery,
} from './runs.js';
import { historyQuery, historyResponse, lockResponse, migrationDetailResponse, statusResponse } from './status.js';
import {
  backupsResponse,
  createBackupBody,
  createBackupResponse,
  restoreBody,
  restorePlanResponse,
  restoreResponse,
} from './backups.js';
import { driftResponse, verifyResponse } from './checks.js';
import { environmentsResponse, healthResponse, readyResponse, sessionResponse } from './session.js';
import {
  fleetMigrateBody,
  fleetOverviewQuery,
  fleetOverviewResponse,
  fleetPlanQuery,
  fleetQuery,
  fleetReport,
  fleetRollbackBody,
  fleetsResponse,
  fleetTargetResponse,
  fleetVerifyResponse,
} from './fleet.js';

/**
 * Who may call a route: `public` needs no token, `read` any token (scoped to the environments it names),
 * `write` a token with the admin role for the environment.
 */
export type RouteAccess = 'public' | 'read' | 'write';

/** One route of the HTTP contract: the server validates against it, OpenAPI and the dashboard's types come from it. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Hono-style path: `/migrations/:version`. */
  path: string;
  summary: string;
  access: RouteAccess;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The JSON body of a success; absent for non-JSON responses (metrics, SSE). */
  response?: z.ZodType;
  /** Content type of a non-JSON success. */
  produces?: 'text/plain' | 'text/event-stream';
  /** Error statuses this route answers, besides 400/401/405/413 which any route may. */
  errors: number[];
}

const route = <S extends RouteSpec>(spec: S): S => spec;

const runErrors = [403, 404, 409, 422, 428, 503];

/** Every route of the service. */
export const ROUTES = {
  health: route({
    method: 'GET',
    path: '/health',
    summary: 'Liveness (no database call)',
    access: 'public',
    response: healthResponse,
    errors: [503],
  }),
  ready: route({
    method: 'GET',
    path: '/ready',
    summary: 'Readiness: the database answers',
    access: 'public',
    query: envQuery,
    response: readyResponse,
    errors: [404, 503],
  }),
  session: route({
    method: 'GET',
    path: '/session',
    summary: "The caller's role, actor name and environments",
    access: 'read',
    response: sessionResponse,
    errors: [],
  }),
  environments: route({
    method: 'GET',
    path: '/environments',
    summary: 'Every environment the caller may see, at a glance: version, pending, behind upstream, lock, drift',
    access: 'read',
    response: environmentsResponse,
    errors: [],
  }),
  status: route({
    method: 'GET',
    path: '/status',
    summary: 'Exactly the object of `ogel-migrate status --json`',
    access: 'read',
    query: envQuery,
    response: statusResponse,
    errors: [403, 404, 503],
  }),
  plan: route({
    method: 'GET',
    path: '/plan',
    summary: 'What an operation would do, its plan id, and the rules that apply (protection, promotion, backup)',
    access: 'read',
    query: planQuery,
    response: z.union([migrateResponse, rollbackResponse, repairResponse, baselineResponse, restorePlanResponse]),
    errors: [403, 404, 409, 422, 503],
  }),
  migrate: route({
    method: 'POST',
    path: '/migrate',
    summary: "Apply pending migrations under the environment's rules (dryRun: only plan)",
    access: 'write',
    query: runQuery,
    body: migrateBody,
    response: migrateResponse,
    errors: runErrors,
  }),
  rollback: route({
    method: 'POST',
    path: '/rollback',
    summary: 'Revert applied migrations newest first',
    access: 'write',
    query: runQuery,
    body: rollbackBody,
    response: rollbackResponse,
    errors: runErrors,
  }),
  repair: route({
    method: 'POST',
    path: '/repair',
    summary: 'After a manual fix: forget failed runs, accept changed checksums',
    access: 'write',
    query: runQuery,
    body: repairBody,
    response: repairResponse,
    errors: runErrors,
  }),
  baseline: route({
    method: 'POST',
    path: '/baseline',
    summary: 'Record migrations that ran by hand as applied',
    access: 'write',
    query: runQuery,
    body: baselineBody,
    response: baselineResponse,
    errors: runErrors,
  }),
  history: route({
    method: 'GET',
    path: '/history',
    summary: 'The event log, newest first, paginated',
    access: 'read',
    query: historyQuery,
    response: historyResponse,
    errors: [403, 404, 503],
  }),
  lock: route({
    method: 'GET',
    path: '/lock',
    summary: 'Who holds the migration lock',
    access: 'read',
    query: envQuery,
    response: lockResponse,
    errors: [403, 404, 503],
  }),
  migration: route({
    method: 'GET',
    path: '/migrations/:version',
    summary: "One migration's SQL, events and lint findings",
    access: 'read',
    query: envQuery,
    response: migrationDetailResponse,
    errors: [403, 404, 503],
  }),
  events: route({
    method: 'GET',
    path: '/events',
    summary: "Server-Sent Events: the runner's progress stream",
    access: 'read',
    query: envQuery,
    produces: 'text/event-stream',
    errors: [403, 404],
  }),
  metrics: route({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics',
    access: 'read',
    produces: 'text/plain',
    errors: [],
  }),
  backups: route({
    method: 'GET',
    path: '/backups',
    summary: 'Backups of the environment, newest first',
    access: 'read',
    query: envQuery,
    response: backupsResponse,
    errors: [403, 404, 503],
  }),
  createBackup: route({
    method: 'POST',
    path: '/backups',
    summary: 'Take a backup now',
    access: 'write',
    query: envQuery,
    body: createBackupBody,
    response: createBackupResponse,
    errors: [403, 404, 409, 422, 503],
  }),
  restore: route({
    method: 'POST',
    path: '/backups/:id/restore',
    summary: 'Restore a backup over the environment (needs confirm + plan)',
    access: 'write',
    query: envQuery,
    body: restoreBody,
    response: restoreResponse,
    errors: runErrors,
  }),
  drift: route({
    method: 'GET',
    path: '/drift',
    summary: 'Drift: the real schema against what the applied migrations produce',
    access: 'read',
    query: envQuery,
    response: driftResponse,
    errors: [403, 404, 503],
  }),
  lastVerify: route({
    method: 'GET',
    path: '/verify',
    summary: 'The last rollback-test report',
    access: 'read',
    query: envQuery,
    response: verifyResponse,
    errors: [403, 404],
  }),
  verify: route({
    method: 'POST',
    path: '/verify',
    summary: 'Run the rollback test on a scratch database',
    access: 'write',
    query: envQuery,
    body: z.strictObject({}),
    response: verifyResponse,
    errors: [403, 404, 409, 503],
  }),
  fleets: route({
    method: 'GET',
    path: '/fleets',
    summary: 'Every fleet the caller may see: targets by state at the last status, the run in progress, the last run',
    access: 'read',
    response: fleetsResponse,
    errors: [],
  }),
  fleet: route({
    method: 'GET',
    path: '/fleet',
    summary: "One fleet: every target's state at the last status, the failing and lagging ones (fresh=true: now)",
    access: 'read',
    query: fleetOverviewQuery,
    response: fleetOverviewResponse,
    errors: [403, 404],
  }),
  fleetTarget: route({
    method: 'GET',
    path: '/fleet/targets/:target',
    summary: 'One target of a fleet: its status and latest events',
    access: 'read',
    query: fleetQuery,
    response: fleetTargetResponse,
    errors: [403, 404, 422, 503],
  }),
  fleetPlan: route({
    method: 'GET',
    path: '/fleet/plan',
    summary: 'What migrate (or rollback) would do on each target, the fleet plan id and the rules that apply',
    access: 'read',
    query: fleetPlanQuery,
    response: fleetReport,
    errors: [403, 404, 409, 422, 503],
  }),
  fleetMigrate: route({
    method: 'POST',
    path: '/fleet/migrate',
    summary: "Apply pending migrations to every target under the fleet's rules: canaries first, N at once",
    access: 'write',
    query: fleetQuery,
    body: fleetMigrateBody,
    response: fleetReport,
    errors: runErrors,
  }),
  fleetRollback: route({
    method: 'POST',
    path: '/fleet/rollback',
    summary: 'Revert on every target (steps, or everything above to)',
    access: 'write',
    query: fleetQuery,
    body: fleetRollbackBody,
    response: fleetReport,
    errors: runErrors,
  }),
  fleetVerify: route({
    method: 'POST',
    path: '/fleet/verify',
    summary: "Rollback test of the fleet's migrations on a scratch database of each server its targets use",
    access: 'write',
    query: fleetQuery,
    body: z.strictObject({}),
    response: fleetVerifyResponse,
    errors: [403, 404, 422, 503],
  }),
  openapi: route({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document',
    access: 'read',
    response: z.record(z.string(), z.unknown()),
    errors: [],
  }),
} satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The JSON a route answers with on success. */
export type ResponseOf<N extends RouteName> = (typeof ROUTES)[N] extends { response: infer S extends z.ZodType }
  ? z.infer<S>
  : never;

export { errorResponse };
