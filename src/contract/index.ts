/**
 * The HTTP contract as types, for clients (the dashboard, embedders): every request and response body is the
 * `z.infer` of the schema the server validates with. Import types only: no server code comes with them.
 */
import type { z } from 'zod';
import type * as backups from './backups.js';
import type * as checks from './checks.js';
import type * as common from './common.js';
import type * as fleet from './fleet.js';
import type * as runs from './runs.js';
import type * as session from './session.js';
import type * as status from './status.js';

export type { ResponseOf, RouteName } from './routes.js';

export type ErrorResponse = z.infer<typeof common.errorResponse>;
export type LintFinding = z.infer<typeof common.lintFinding>;
export type HistoryEvent = z.infer<typeof common.historyEvent>;
export type LockHolder = z.infer<typeof common.lockHolder>;

export type MigrationState = z.infer<typeof status.migrationState>;
export type MigrationRow = z.infer<typeof status.migrationRow>;
export type Status = z.infer<typeof status.statusResponse>;
export type HistoryPage = z.infer<typeof status.historyResponse>;
export type MigrationDetail = z.infer<typeof status.migrationDetailResponse>;

export type MigrateBody = z.input<typeof runs.migrateBody>;
export type RollbackBody = z.input<typeof runs.rollbackBody>;
export type PlannedMigration = z.infer<typeof runs.plannedMigration>;
export type Review = z.infer<typeof runs.review>;
export type PromotionViolation = z.infer<typeof runs.promotionViolation>;
export type MigrateResponse = z.infer<typeof runs.migrateResponse>;
export type RollbackResponse = z.infer<typeof runs.rollbackResponse>;
export type RepairResponse = z.infer<typeof runs.repairResponse>;
export type BaselineResponse = z.infer<typeof runs.baselineResponse>;

export type Backup = z.infer<typeof backups.backupRecord>;
export type BackupsResponse = z.infer<typeof backups.backupsResponse>;
export type CreateBackupResponse = z.infer<typeof backups.createBackupResponse>;
export type RestoreBody = z.input<typeof backups.restoreBody>;
export type RestoreResponse = z.infer<typeof backups.restoreResponse>;
export type RestorePlan = z.infer<typeof backups.restorePlanResponse>;

export type VerifyReport = z.infer<typeof checks.verifyReport>;
export type VerifyResponse = z.infer<typeof checks.verifyResponse>;
export type DriftReport = z.infer<typeof checks.driftResponse>;

export type Session = z.infer<typeof session.sessionResponse>;
export type EnvironmentInfo = z.infer<typeof session.environmentInfo>;
export type EnvironmentSummary = z.infer<typeof session.environmentSummary>;

export type FleetState = z.infer<typeof fleet.fleetState>;
export type FleetTargetResult = z.infer<typeof fleet.fleetTargetResult>;
export type FleetReview = z.infer<typeof fleet.fleetReview>;
export type FleetReport = z.infer<typeof fleet.fleetReport>;
export type FleetSummary = z.infer<typeof fleet.fleetSummary>;
export type FleetsResponse = z.infer<typeof fleet.fleetsResponse>;
export type FleetOverview = z.infer<typeof fleet.fleetOverviewResponse>;
export type FleetTarget = z.infer<typeof fleet.fleetTargetResponse>;
export type FleetMigrateBody = z.input<typeof fleet.fleetMigrateBody>;
export type FleetRollbackBody = z.input<typeof fleet.fleetRollbackBody>;
export type FleetVerifyResponse = z.infer<typeof fleet.fleetVerifyResponse>;
