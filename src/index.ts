/** ogel-migrate's library API: everything the CLI and HTTP service use is available to embedders too. */
export { MigrationRunner } from './runner/runner.js';
export type {
  MigrationRunnerOptions,
  MigrateResult,
  RollbackResult,
  BaselineResult,
  RepairResult,
  ValidateResult,
  ValidationProblem,
  PlannedMigration,
  AppliedMigration,
} from './runner/runner.js';
export type { RunnerEvents, RunnerEventName, Operation, Direction } from './runner/events.js';
export { OgelError, exitCodeFor, httpStatusFor, isOgelError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { StatusReport, MigrationStatus, MigrationState, StatusCounts } from './core/status.js';
export type { Migration, AppliedRow, MigrationSet } from './core/migration.js';
export { FileMigrationSource } from './source/file-source.js';
export type { MigrationSource } from './source/file-source.js';
export type { LockHolder } from './db/advisory-lock.js';
export type { HistoryEvent } from './db/tracking-store.js';
export { compareVersions } from './core/version.js';
export { checksumOf } from './core/checksum.js';
export { maskUrl } from './db/url.js';
export { statusJson } from './core/status-json.js';
export { BackupService } from './backups/service.js';
export type { BackupRecord, RestoreResult, BackupServiceOptions } from './backups/service.js';
export type { BackupManifest } from './backups/manifest.js';
export { openStore } from './backups/store/open.js';
export type { BackupStore, S3Settings } from './backups/store/store.js';
export { lintMigrations, formatGithub, formatText, RULES } from './lint/index.js';
export type { LintFinding, LintInput } from './lint/index.js';
export type { VerifyReport, MigrationVerification, VerifyOutcome } from './verify/verify.js';
export type { DriftReport } from './verify/drift.js';

// The application layer: the rules every surface (CLI, HTTP, dashboard) enforces, for embedders too.
export { openTarget, openTargets, openUpstream } from './app/target.js';
export { backupsOf } from './app/backups-of.js';
export type { Target, TargetContext, Overrides } from './app/target.js';
export { migrateTarget, rollbackTarget, repairTarget, baselineTarget } from './app/operations.js';
export type {
  GuardedRequest,
  MigrateRequest,
  RollbackRequest,
  RepairRequest,
  BaselineRequest,
  Guarded,
  GuardHooks,
  ForcedPromotion,
} from './app/operations.js';
export { planRestore, restoreTarget } from './app/restore.js';
export type { RestoreRequest, RestorePlan } from './app/restore.js';
export { introspectTarget } from './app/introspect.js';
export type { Review, Confirmation, BackupTaken } from './app/guards.js';
export { authorize, LIBRARY } from './app/access.js';
export type { Principal, Access } from './app/access.js';
export { resolveTokens } from './app/tokens.js';
export type { TokenGrant } from './app/tokens.js';
export { loadConfig } from './config/load.js';
export type { LoadedConfig } from './config/load.js';
export type { OgelConfig } from './config/schema.js';
export { planIdOf } from './core/plan-id.js';
export type { PlanItem } from './core/plan-id.js';
// The HTTP service is its own entry point: import { startServer } from 'ogel-migrate/server'.

// Fleets: one migration set over many tenant databases or schemas, under the same rules.
export { openFleet, openFleets } from './fleet/fleet.js';
export type { Fleet, FleetMember, FleetOverrides } from './fleet/fleet.js';
export { fleetStatus, fleetMigrate, fleetRollback, reviewFleetPlan } from './fleet/operations.js';
export type {
  FleetRequest,
  FleetMigrateRequest,
  FleetRollbackRequest,
  FleetHooks,
  FleetProgress,
  FleetPlanReview,
} from './fleet/operations.js';
export { fleetVerify } from './fleet/verify.js';
export type { FleetVerifyReport, FleetServerVerify } from './fleet/verify.js';
export type { FleetReport, FleetReview, FleetState, FleetTargetResult } from './fleet/report.js';
export { FleetMonitor } from './fleet/monitor.js';
export type { PlaceholderValues } from './core/placeholders.js';
