import type { MigrationStatus, StatusReport } from '../core/status.js';
import type { PlanItem } from '../core/plan-id.js';
import { deleteRowSql, upsertRowSql } from '../db/tracking-store.js';
import { OgelError } from '../errors.js';
import type { RunContext } from './context.js';
import { eventSql, rowValues } from './run-script.js';
import type { RepairResult } from './types.js';

export type RepairAction = 'mark-applied' | 'remove-failed' | 'realign-checksum' | 'remove-missing';

/** One change `repair` makes to one tracking row. */
export interface PlannedRepair {
  action: RepairAction;
  entry: MigrationStatus;
}

/**
 * What `repair` changes after a human fixed things by hand: failed rows are forgotten (so migrate re-runs them)
 * or marked applied, changed checksums are accepted, missing versions optionally forgotten. Pure.
 */
export function planRepair(
  report: StatusReport,
  options: { markApplied?: string[]; removeMissing?: boolean },
): PlannedRepair[] {
  const markApplied = new Set(options.markApplied ?? []);
  for (const version of markApplied) {
    if (!report.migrations.some((m) => m.version === version && m.state === 'failed' && m.migration)) {
      throw new OgelError(
        'UNKNOWN_VERSION',
        `--mark-applied ${version}: no failed migration with that version and a file`,
      );
    }
  }
  const planned: PlannedRepair[] = [];
  for (const entry of report.migrations) {
    if (entry.state === 'failed' && entry.migration && markApplied.has(entry.version)) {
      planned.push({ action: 'mark-applied', entry });
    } else if (entry.state === 'failed') planned.push({ action: 'remove-failed', entry });
    else if (entry.state === 'modified') planned.push({ action: 'realign-checksum', entry });
    else if (entry.state === 'missing' && options.removeMissing) planned.push({ action: 'remove-missing', entry });
  }
  return planned;
}

export function repairPlanItems(planned: readonly PlannedRepair[]): PlanItem[] {
  return planned.map(({ action, entry }) => ({ version: entry.version, checksum: entry.checksum, action }));
}

/** The result `repair` reports, for a dry run or a real one. */
export function repairResult(
  runId: string,
  dryRun: boolean,
  planId: string,
  planned: readonly PlannedRepair[],
): RepairResult {
  const versions = (action: RepairAction) => planned.filter((p) => p.action === action).map((p) => p.entry.version);
  return {
    runId,
    dryRun,
    planId,
    removedFailed: versions('remove-failed'),
    markedApplied: versions('mark-applied'),
    realigned: versions('realign-checksum'),
    removedMissing: versions('remove-missing'),
  };
}

/** The tracking writes of a repair, each change with its event. */
export function repairWrites(ctx: RunContext, planned: readonly PlannedRepair[]): string[] {
  return planned.flatMap(({ action, entry }) => {
    switch (action) {
      case 'mark-applied':
        return [
          upsertRowSql(ctx.tracking, rowValues(ctx, entry.migration!, 'applied', entry.row?.executionMs ?? null)),
          eventSql(ctx, 'repair', 'success', entry, null, null, { action, previousError: entry.error }),
        ];
      case 'remove-failed':
        return [
          deleteRowSql(ctx.tracking, entry.row!.version),
          eventSql(ctx, 'repair', 'success', entry, null, null, { action, previousError: entry.error }),
        ];
      case 'realign-checksum':
        return [
          upsertRowSql(ctx.tracking, {
            ...rowValues(ctx, entry.migration!, 'applied', entry.row!.executionMs, null, entry.row!.kind),
            appliedAt: 'now',
          }),
          eventSql(ctx, 'repair', 'success', entry, null, null, {
            action,
            from: entry.row!.checksum,
            to: entry.checksum,
          }),
        ];
      case 'remove-missing':
        return [
          deleteRowSql(ctx.tracking, entry.row!.version),
          eventSql(ctx, 'repair', 'success', entry, null, null, { action, checksum: entry.checksum }),
        ];
    }
  });
}
