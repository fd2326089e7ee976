import type { VerifyReport } from '../api.js';

/** Outcomes that are not failures: nothing to revert, or not reached because an earlier one failed. */
const NOT_FAILED = new Set(['ok', 'irreversible', 'not-run']);

/** A rollback test's report: its counts, then every migration that did not simply pass, with the first difference. */
export function VerifyResults({ report, label }: { report: VerifyReport; label: string }) {
  return (
    <>
      {label} {report.ok ? 'passed' : 'failed'}: {report.results.filter((r) => r.outcome === 'ok').length} ok,{' '}
      {report.results.filter((r) => !NOT_FAILED.has(r.outcome)).length} failed
      <ul>
        {report.results
          .filter((r) => r.outcome !== 'ok')
          .map((r) => (
            <li key={r.version}>
              {r.version}_{r.name}: {r.outcome}
              {r.differences[0] ? ` — ${r.differences[0]}` : ''}
            </li>
          ))}
      </ul>
    </>
  );
}
