import { useState } from 'preact/hooks';
import { api, describeError, type FleetSummary, type FleetVerifyResponse } from '../api.js';
import { fleetQuery } from '../fleets.js';
import { VerifyResults } from './VerifyResults.js';

/**
 * The fleet's rollback test (POST /fleet/verify): every migration up, down and up again on a scratch database of
 * each server the targets live on — never on a target. Offered where the token may change the fleet, as for an
 * environment, since it runs every migration.
 */
export function FleetChecks({ fleet }: { fleet: FleetSummary }) {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<FleetVerifyResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const verify = async () => {
    setRunning(true);
    setError(null);
    try {
      setResult(
        await api<FleetVerifyResponse, Record<string, never>>(`/fleet/verify?${fleetQuery(fleet.name)}`, {
          method: 'POST',
          body: {},
        }),
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section class="checks" aria-label={`Checks of fleet ${fleet.name}`}>
      <button disabled={running} onClick={() => void verify()}>
        {running ? 'Testing rollbacks…' : 'Rollback test'}
      </button>
      {error && <p class="error">{error}</p>}
      {result && (
        <div class={result.ok ? 'ok' : 'bad'} data-check="fleet-verify">
          {result.servers.map((s) => (
            <div key={s.server} data-server={s.server}>
              <strong>{s.server}</strong> ({s.targets} target(s), with {s.example}'s values):{' '}
              {s.report ? (
                <VerifyResults report={s.report} label="rollback test" />
              ) : (
                <span class="error">
                  {s.error?.code} {s.error?.message}
                </span>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
