import type { StatusReport } from './status.js';

/** The public status object: what `status --json` prints and `GET /status` returns, exactly. */
export function statusJson(report: StatusReport): object {
  return {
    table: report.table,
    current: report.current,
    counts: report.counts,
    migrations: report.migrations.map((m) => {
      // Optional keys are added, not spread in: thousands of entries, one object each.
      const json: Record<string, unknown> = {
        version: m.version,
        name: m.name,
        state: m.state,
        checksum: m.checksum,
        appliedAt: m.appliedAt,
        appliedBy: m.appliedBy,
        executionMs: m.executionMs,
        kind: m.kind,
        reversible: m.reversible,
      };
      if (m.repeatable) json.repeatable = true;
      if (m.appliedChecksum) json.appliedChecksum = m.appliedChecksum;
      if (m.error) json.error = m.error;
      return json;
    }),
    ignored: report.ignored,
  };
}
