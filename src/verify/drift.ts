import { connectClient, withClient } from '../db/connect.js';
import { cancelBackend } from '../db/session.js';
import { interruptedError } from '../db/interrupted.js';
import type { StatusReport } from '../core/status.js';
import type { ExecutionSettings } from '../db/execute-script.js';
import { runUntracked } from '../db/execute-script.js';
import { ensureParser } from '../sql/parser.js';
import { lazyProcedureIndex } from '../sql/procedural-control.js';
import { prepareScript } from '../sql/prepare-script.js';
import { diffSnapshots, type SchemaDifference } from '../schema/diff.js';
import { snapshotSchema, type SnapshotOptions } from '../schema/snapshot.js';
import { OgelError } from '../errors.js';
import type { ScratchDatabase } from './scratch.js';
import { describeDifference } from './wording.js';

export interface DriftReport {
  drifted: boolean;
  /** Highest applied version the comparison was built from. */
  version: string | null;
  differences: Array<SchemaDifference & { description: string }>;
  /** Applied versions whose file changed or vanished: the expected schema is approximate for them. */
  caveats: string[];
}

/**
 * Compares the database's real schema with the schema its applied migrations produce, built by running
 * those migrations' current files on a scratch database. What differs was changed by hand (or by a file that
 * changed after it ran, listed as a caveat).
 */
export async function detectDrift(options: {
  databaseUrl: string;
  report: StatusReport;
  scratch: ScratchDatabase;
  settings: ExecutionSettings;
  snapshot: SnapshotOptions;
  /** Creates the tracking tables, so their schema exists on both sides as it does in the real database. */
  trackingSql: string;
  /** Stops the replay (Ctrl-C, a server shutting down): INTERRUPTED, after the running statement is cancelled. */
  signal?: AbortSignal;
}): Promise<DriftReport> {
  await ensureParser();
  const applied = options.report.migrations.filter((m) => m.row?.status === 'applied');
  const caveats = applied
    .filter((m) => m.state === 'modified' || m.state === 'missing')
    .map((m) =>
      m.state === 'missing'
        ? `${m.version}_${m.name} has no file: its objects will show as added by hand`
        : `${m.version}_${m.name} changed since it ran: compared using the current file`,
    );
  const scratch = await connectClient(options.scratch.url, { purpose: 'scratch database' });
  const signal = options.signal;
  const cancel = () => void cancelBackend({ databaseUrl: options.scratch.url }, scratch);
  signal?.addEventListener('abort', cancel, { once: true });
  const stopped = () => interruptedError(signal!, 'drift check stopped; its scratch database is dropped');
  let expected;
  try {
    await scratch.query(options.trackingSql);
    const procedures = lazyProcedureIndex(applied.flatMap((m) => (m.migration ? [m.migration] : [])));
    for (const entry of applied) {
      if (signal?.aborted) throw stopped();
      if (!entry.migration) continue;
      const script = prepareScript(entry.migration.file, entry.migration.upSql, undefined, procedures);
      try {
        await runUntracked(scratch, script, options.settings);
      } catch (error) {
        if (signal?.aborted) throw stopped();
        throw new OgelError(
          'VERIFY_FAILED',
          `drift: replaying applied migration ${entry.version}_${entry.name} on a scratch database failed: ${(error as Error).message}`,
          { version: entry.version },
          { cause: error },
        );
      }
    }
    expected = await snapshotSchema(scratch, options.snapshot).catch((error: unknown) => {
      throw signal?.aborted ? stopped() : error;
    });
  } finally {
    signal?.removeEventListener('abort', cancel);
    await scratch.end().catch(() => {});
  }
  if (signal?.aborted) throw stopped();
  const actual = await withClient(options.databaseUrl, (live) => snapshotSchema(live, options.snapshot));
  const differences = diffSnapshots(expected, actual)
    .filter((d) => d.severity === 'error')
    .map((d) => ({ ...d, description: describeDifference(d, 'drift') }));
  return { drifted: differences.length > 0, version: options.report.current, differences, caveats };
}
