import type { StatusReport } from '../core/status.js';
import { deleteRowSql, upsertRowSql } from '../db/tracking-store.js';
import { OgelError } from '../errors.js';
import type { RunContext } from './context.js';
import { eventSql, rowValues } from './run-script.js';
import type { RepairResult } from './types.js';

/**
 * What `repair` writes after a human fixed things by hand: failed rows are forgotten (so migrate re-runs them)
 * or marked applied, changed checksums are accepted, missing versions optionally forgotten — each with an event.
 */
export function planRepair(
  ctx: RunContext,
  report: StatusReport,
  options: { markApplied?: string[]; removeMissing?: boolean },
): { result: RepairResult; writes: string[] } {
  const markApplied = new Set(options.markApplied ?? []);
  for (const version of markApplied) {
    if (!report.migrations.some((m) => m.version === version && m.state === 'failed' && m.migration)) {
      throw new OgelError(
        'UNKNOWN_VERSION',
        `--mark-applied ${version}: no failed migration with that version and a file`,
      );
    }
  }
  const result: RepairResult = {
    runId: ctx.runId,
    removedFailed: [],
    markedApplied: [],
    realigned: [],
    removedMissing: [],
  };
  const writes: string[] = [];
  for (const entry of report.migrations) {
    if (entry.state === 'failed' && entry.migration && markApplied.has(entry.version)) {
      writes.push(
        upsertRowSql(ctx.tracking, rowValues(ctx, entry.migration, 'applied', entry.row?.executionMs ?? null)),
      );
      writes.push(
        eventSql(ctx, 'repair', 'success', entry, null, null, { action: 'mark-applied', previousError: entry.error }),
      );
      result.markedApplied.push(entry.version);
    } else if (entry.state === 'failed') {
      writes.push(deleteRowSql(ctx.tracking, entry.row!.version));
      writes.push(
        eventSql(ctx, 'repair', 'success', entry, null, null, { action: 'remove-failed', previousError: entry.error }),
      );
      result.removedFailed.push(entry.version);
    } else if (entry.state === 'modified') {
      writes.push(
        upsertRowSql(ctx.tracking, {
          ...rowValues(ctx, entry.migration!, 'applied', entry.row!.executionMs, null, entry.row!.kind),
          appliedAt: 'now',
        }),
      );
      writes.push(
        eventSql(ctx, 'repair', 'success', entry, null, null, {
          action: 'realign-checksum',
          from: entry.row!.checksum,
          to: entry.checksum,
        }),
      );
      result.realigned.push(entry.version);
    } else if (entry.state === 'missing' && options.removeMissing) {
      writes.push(deleteRowSql(ctx.tracking, entry.row!.version));
      writes.push(
        eventSql(ctx, 'repair', 'success', entry, null, null, { action: 'remove-missing', checksum: entry.checksum }),
      );
      result.removedMissing.push(entry.version);
    }
  }
  return { result, writes };
}
