import { useEffect, useState } from 'preact/hooks';
import { api, describeError, type FleetTarget, type FleetTargetResult } from '../api.js';
import { fleetQuery } from '../fleets.js';
import { clientOf, FAILING_STATES, FLEET_STATES } from '../format.js';

/**
 * One target of a fleet, read from the target itself (GET /fleet/targets/:target): its migrations applied and
 * pending, its last error and its latest events. `result` is its line of the fleet's last status, shown even
 * when the target cannot be read now (unreachable). `revision` grows after a run, so the detail follows it.
 */
export function FleetTargetDetail({
  fleet,
  target,
  result,
  revision,
  onClose,
}: {
  fleet: string;
  target: string;
  result: FleetTargetResult | null;
  revision: number;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<FleetTarget | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setError(null);
    api<FleetTarget>(`/fleet/targets/${encodeURIComponent(target)}?${fleetQuery(fleet)}`).then(
      (d) => current && setDetail(d),
      (e: unknown) => current && setError(describeError(e)),
    );
    return () => {
      current = false;
    };
  }, [fleet, target, revision]);
  const shown = detail?.target === target ? detail : null;
  const status = shown?.status;
  const lastError = shown?.events.find((e) => e.error) ?? null;
  return (
    <section class="detail" aria-labelledby="target-title" data-detail={target}>
      <div class="section-head">
        <h3 id="target-title">Target {target}</h3>
        <button onClick={onClose}>Close</button>
      </div>
      {result && (
        <p class={FAILING_STATES.has(result.state) ? 'bad' : 'muted'} data-field="target-state">
          At the last status: {FLEET_STATES[result.state]}
          {result.error ? `: ${result.error.code} ${result.error.message}` : ''}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!shown && !error && <p class="muted">Loading {target}…</p>}
      {status && (
        <>
          <p data-field="summary">
            version <strong>{status.current ?? '—'}</strong> · {status.counts.applied} applied · {status.counts.pending}{' '}
            pending
            {status.counts.failed > 0 && <span class="bad"> · {status.counts.failed} failed</span>}
          </p>
          {lastError && (
            <div class="error" data-field="last-error">
              <p>
                Last error ({lastError.event} {lastError.version ?? ''},{' '}
                {new Date(lastError.occurredAt).toLocaleString()}):
              </p>
              <pre class="error">{lastError.error}</pre>
            </div>
          )}
          <div class="table-scroll" tabIndex={0} role="region" aria-label={`Migrations of ${target}`}>
            <table class="migrations">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col">Applied</th>
                </tr>
              </thead>
              <tbody>
                {status.migrations.map((m) => (
                  <tr key={m.version} data-version={m.version} data-state={m.state}>
                    <td>{m.version}</td>
                    <td>{m.name}</td>
                    <td>
                      <span class={`badge ${m.state}`}>{m.state}</span>
                    </td>
                    <td>{m.appliedAt ? new Date(m.appliedAt).toLocaleString() : (m.error ?? '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h4>Latest events</h4>
          <ul class="events">
            {shown.events.map((e) => (
              <li key={e.id}>
                {new Date(e.occurredAt).toLocaleString()} — {e.event} {e.version ?? ''}{' '}
                <span class={e.outcome}>{e.outcome}</span> by {clientOf(e.actor)}
              </li>
            ))}
            {shown.events.length === 0 && <li class="muted">none yet</li>}
          </ul>
        </>
      )}
    </section>
  );
}
