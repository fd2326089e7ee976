import { OgelError } from '../errors.js';
import { migrationLabel } from './file-names.js';
import type { Migration } from './migration.js';
import type { MigrationStatus, StatusReport } from './status.js';
import { compareVersions, isValidVersion, normalizeVersion } from './version.js';

export interface MigratePlanOptions {
  /** Apply pending migrations up to and including this version. */
  to?: string;
  /** Allow applying a pending version lower than the highest applied one. */
  outOfOrder?: boolean;
  /** Proceed although applied versions have no file (e.g. a branch without them). */
  ignoreMissing?: boolean;
}

/**
 * Which migrations `migrate` runs, in order — or why it must refuse before touching anything. Pure.
 * Refusals name every offending version so a user can act on all of them at once. Repeatable migrations that
 * are new or changed come last, in name order, also with `to` (they are written against the latest schema,
 * which is what a run leaves).
 */
export function planMigrate(report: StatusReport, options: MigratePlanOptions = {}): Migration[] {
  const byState = (state: MigrationStatus['state']) => report.migrations.filter((m) => m.state === state);
  const failed = byState('failed');
  if (failed.length > 0) {
    throw new OgelError(
      'FAILED_MIGRATION_PRESENT',
      `Migration ${list(failed)} failed earlier outside a transaction and may be partly applied. Inspect the database, ` +
        `finish or undo its changes by hand, then run \`ogel-migrate repair\` (re-run it next time) or ` +
        `\`ogel-migrate repair --mark-applied ${failed[0]!.version}\` (you completed it by hand).`,
      { versions: failed.map((m) => m.version), errors: failed.map((m) => m.error) },
    );
  }
  const modified = byState('modified');
  if (modified.length > 0) {
    throw new OgelError(
      'CHECKSUM_MISMATCH',
      `Applied migration ${list(modified)} changed on disk since it ran. Restore the original file (write a new ` +
        'migration for new changes), or run `ogel-migrate repair` to accept the file as it is now.',
      { versions: modified.map((m) => m.version) },
    );
  }
  const missing = byState('missing');
  if (missing.length > 0 && !options.ignoreMissing) {
    throw new OgelError(
      'MISSING_MIGRATION_FILE',
      `Applied migration ${list(missing)} has no file in the migrations directory. Check --dir and your branch, ` +
        'or pass --ignore-missing.',
      { versions: missing.map((m) => m.version) },
    );
  }
  let pending = byState('pending').filter((m) => !m.repeatable);
  const repeatables = byState('pending').filter((m) => m.repeatable);
  if (options.to !== undefined) {
    const target = requireKnownVersion(report, options.to);
    pending = pending.filter((m) => compareVersions(m.version, target) <= 0);
  }
  if (report.current !== null && !options.outOfOrder) {
    const current = report.current;
    const early = pending.filter((m) => compareVersions(m.version, current) < 0);
    if (early.length > 0) {
      throw new OgelError(
        'OUT_OF_ORDER',
        `Pending migration ${list(early)} is older than the current version ${current}. Renumber it above ${current}, ` +
          'or pass --out-of-order to apply it anyway.',
        { versions: early.map((m) => m.version), current },
      );
    }
  }
  return [...pending, ...repeatables].map((m) => m.migration!);
}

export interface RollbackPlanOptions {
  /** Revert the newest N applied migrations. Default 1. */
  steps?: number;
  /** Revert every applied migration above this version (`0` reverts all). */
  to?: string;
}

/** Which applied migrations `rollback` reverts, newest first; refuses if any lacks a down file. Pure. */
export function planRollback(report: StatusReport, options: RollbackPlanOptions = {}): MigrationStatus[] {
  if (options.steps !== undefined && options.to !== undefined) {
    throw new OgelError('USAGE', 'Give either steps or to, not both');
  }
  // Repeatable migrations are never reverted: there is nothing to revert them to.
  const applied = report.migrations.filter((m) => m.row && m.row.status === 'applied' && !m.repeatable).reverse();
  let selected: MigrationStatus[];
  if (options.to !== undefined) {
    const target = options.to === '0' ? '0' : requireKnownVersion(report, options.to);
    selected = applied.filter((m) => compareVersions(m.version, target) > 0);
  } else {
    const steps = options.steps ?? 1;
    if (!Number.isInteger(steps) || steps < 1)
      throw new OgelError('USAGE', `steps must be an integer ≥ 1 (got ${steps})`);
    selected = applied.slice(0, steps);
  }
  // An empty down file is a down that has nothing to undo, not a missing one.
  const problems = selected.filter((m) => m.state !== 'applied' || m.migration?.downFile === undefined);
  if (problems.length > 0) {
    const reasons = problems.map((m) =>
      m.state === 'missing'
        ? `${m.version} (no up file)`
        : m.state === 'modified'
          ? `${m.version} (changed since applied)`
          : `${m.version} (no ${m.version}_${m.name}.down.sql)`,
    );
    throw new OgelError('DOWN_MISSING', `Cannot roll back: ${reasons.join(', ')}. Nothing was changed.`, {
      versions: problems.map((m) => m.version),
    });
  }
  return selected;
}

/** Pending migrations at or below `to`, which `baseline` records as applied without running them. Pure. */
export function planBaseline(report: StatusReport, to: string): MigrationStatus[] {
  const target = requireKnownVersion(report, to);
  return report.migrations.filter(
    (m) => m.state === 'pending' && !m.repeatable && compareVersions(m.version, target) <= 0,
  );
}

/**
 * The named migrations (versions or repeatable keys), which `baseline` records as applied without running them:
 * how another tool's history is taken over. Already applied ones are left as they are; a name with no file, or
 * one whose row says otherwise (failed, changed), is refused before anything is recorded. Pure.
 */
export function planBaselineOf(report: StatusReport, versions: readonly string[]): MigrationStatus[] {
  const problems: string[] = [];
  const selected: MigrationStatus[] = [];
  for (const version of versions) {
    const entry = report.migrations.find((m) =>
      m.repeatable ? m.version === version : normalizeVersion(m.version) === normalizeVersion(version),
    );
    if (!entry || !entry.migration) problems.push(`${version} (no file)`);
    else if (entry.state === 'pending') selected.push(entry);
    else if (entry.state !== 'applied') problems.push(`${migrationLabel(entry)} (${entry.state})`);
  }
  if (problems.length > 0)
    throw new OgelError('UNKNOWN_VERSION', `Cannot baseline ${problems.join(', ')}. Nothing was recorded.`, {
      versions: [...versions],
    });
  return selected;
}

function requireKnownVersion(report: StatusReport, version: string): string {
  if (!isValidVersion(version))
    throw new OgelError('UNKNOWN_VERSION', `"${version}" is not a version (digits, e.g. 008)`);
  const known = report.migrations.find(
    (m) => !m.repeatable && normalizeVersion(m.version) === normalizeVersion(version),
  );
  if (!known) throw new OgelError('UNKNOWN_VERSION', `No migration has version ${version}`, { version });
  return known.version;
}

function list(entries: MigrationStatus[]): string {
  return entries.map(migrationLabel).join(', ');
}
