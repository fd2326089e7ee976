import {
  ApiError,
  describeError,
  type FleetReport,
  type MigrateResponse,
  type RestoreResponse,
  type RollbackResponse,
} from './api.js';
import { countsText, FAILING_STATES } from './format.js';
import type { Outcome } from './store.js';

type Guarded = Pick<MigrateResponse, 'backup' | 'forced' | 'review'>;

/** What the rules did around a run: the backup taken first, a promotion forced past the upstream. */
function guardNotes(result: Guarded): string[] {
  const notes: string[] = [];
  if (result.backup) notes.push(`Backup ${result.backup.id} was taken first (${result.backup.reason}).`);
  if (result.forced) {
    const skipped = result.forced.violations.map((v) => `${v.version}_${v.name}`).join(', ');
    const upstream = result.review.promotion?.upstream ?? 'the upstream';
    notes.push(`Forced past ${upstream} (${skipped}): "${result.forced.reason}".`);
  }
  return notes;
}

const names = (list: Array<{ version: string; name: string }>) => list.map((m) => `${m.version}_${m.name}`).join(', ');

export function migrated(result: MigrateResponse): Outcome {
  const text =
    result.applied.length === 0
      ? 'Nothing to apply.'
      : `Applied ${result.applied.length} migration(s): ${names(result.applied)}.`;
  return { ok: true, text, notes: guardNotes(result) };
}

export function rolledBack(result: RollbackResponse): Outcome {
  const text =
    result.reverted.length === 0
      ? 'Nothing to roll back.'
      : `Reverted ${result.reverted.length} migration(s): ${names(result.reverted)}.`;
  return { ok: true, text, notes: guardNotes(result) };
}

export function restored(result: RestoreResponse): Outcome {
  return { ok: true, text: `Restored backup ${result.id} (version ${result.version ?? '—'}).`, notes: [] };
}

/** Failing targets named in a result's notes, a few only: the fleet view lists them all. */
const NAMED_FAILURES = 5;

/** A fleet run: its counts by state, why it stopped early, and the first failing targets with their errors. */
export function fleetRan(report: FleetReport): Outcome {
  const verb = report.operation === 'rollback' ? 'Rolled back' : 'Migrated';
  const failing = report.targets.filter((t) => FAILING_STATES.has(t.state));
  const notes = [
    ...(report.stopped ? [`Stopped (${report.stopped.reason}): ${report.stopped.message}`] : []),
    ...failing
      .slice(0, NAMED_FAILURES)
      .map((t) => `${t.name}: ${t.error ? `${t.error.code}: ${t.error.message}` : t.state}`),
    ...(failing.length > NAMED_FAILURES ? [`and ${failing.length - NAMED_FAILURES} more failing target(s)`] : []),
  ];
  return { ok: report.ok, text: `${verb} fleet ${report.fleet}: ${countsText(report.counts)}.`, notes };
}

/**
 * A failure as one message. A migration's message already starts with `file:line:column`; the location from
 * the details is added only when the message lacks it, so it is never printed twice.
 */
export function failed(error: unknown): Outcome {
  const text = describeError(error);
  const notes: string[] = [];
  if (error instanceof ApiError) {
    const { file, line, column } = error.details;
    const where = typeof file === 'string' ? `${file}:${String(line)}:${String(column)}` : null;
    if (where && !error.message.includes(where)) notes.push(`at ${where}`);
  }
  return { ok: false, text, notes };
}
