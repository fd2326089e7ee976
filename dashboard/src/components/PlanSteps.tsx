import type { PlannedMigration, VerifyReport } from '../api.js';

/**
 * What a plan will run, in order: each migration's transaction mode, the table locks its statements take and
 * its lint findings; before a rollback, each migration's last rollback-test outcome.
 */
export function PlanSteps({
  planned,
  verify,
}: {
  planned: PlannedMigration[];
  /** Before a rollback: the environment's last rollback-test report, or null if none ran. */
  verify?: VerifyReport | null;
}) {
  const tested = (version: string) => verify?.results.find((r) => r.version === version);
  return (
    <ol class="plan">
      {planned.map((p) => {
        const locking = (p.steps ?? []).filter((s) => s.locks.length > 0);
        const outcome = verify === undefined ? null : (tested(p.version)?.outcome ?? 'not run yet');
        return (
          <li key={p.version} data-version={p.version}>
            <strong>
              {p.version}_{p.name}
            </strong>{' '}
            — {p.transactional ? 'one transaction' : `no transaction (${p.modeReason})`}, {p.statements} statement(s)
            {outcome && (
              <span class={outcome === 'ok' ? 'ok' : outcome === 'not run yet' ? 'muted' : 'bad'}>
                {' '}
                · rollback test: {outcome}
              </span>
            )}
            {locking.length > 0 && (
              <ul class="locks" aria-label={`Locks taken by ${p.version}`}>
                {locking.map((s) => (
                  <li key={s.line}>
                    line {s.line}: <code>{s.statement}</code> — {s.locks.join(', ')}
                  </li>
                ))}
              </ul>
            )}
            {p.findings && p.findings.length > 0 && (
              <ul class="lint" aria-label={`Lint findings of ${p.version}`}>
                {p.findings.map((f) => (
                  <li key={`${f.rule}:${f.line}:${f.column}`} class={f.severity}>
                    <strong>{f.rule}</strong> line {f.line}: {f.message} <em>{f.hint}</em>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
