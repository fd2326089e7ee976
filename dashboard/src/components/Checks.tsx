import { useEffect, useState } from 'preact/hooks';
import { api, type Role, type VerifyReport } from '../api.js';

interface DriftReport {
  drifted: boolean;
  differences: Array<{ description: string }>;
  caveats: string[];
}

/** On-demand checks that need a scratch database: drift (anyone) and the rollback test (admin). */
export function Checks({
  env,
  role,
  onVerify,
}: {
  env: string;
  role: Role;
  onVerify: (report: VerifyReport | null) => void;
}) {
  const [drift, setDrift] = useState<DriftReport | { error: string } | null>(null);
  const [verify, setVerify] = useState<VerifyReport | { error: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    setDrift(null);
    setVerify(null);
    void api<{ report: VerifyReport | null }>('/verify', { env })
      .then((r) => {
        setVerify(r.report);
        onVerify(r.report);
      })
      .catch(() => undefined);
  }, [env]);
  const check = async (what: 'drift' | 'verify') => {
    setBusy(what);
    try {
      if (what === 'drift') setDrift(await api<DriftReport>('/drift', { env }));
      else {
        const { report } = await api<{ report: VerifyReport }>('/verify', { method: 'POST', body: {}, env });
        setVerify(report);
        onVerify(report);
      }
    } catch (error) {
      (what === 'drift' ? setDrift : setVerify)({ error: (error as Error).message });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="checks" aria-label="Checks">
      <button disabled={busy !== null} onClick={() => void check('drift')}>
        {busy === 'drift' ? 'Checking drift…' : 'Check drift'}
      </button>
      {role === 'admin' && (
        <button disabled={busy !== null} onClick={() => void check('verify')}>
          {busy === 'verify' ? 'Testing rollbacks…' : 'Rollback test'}
        </button>
      )}
      {drift &&
        ('error' in drift ? (
          <p class="error">{drift.error}</p>
        ) : (
          <div class={drift.drifted ? 'bad' : 'ok'} data-check="drift">
            {drift.drifted ? `Drift: ${drift.differences.length} difference(s)` : 'No drift'}
            {drift.drifted && (
              <ul>
                {drift.differences.map((d) => (
                  <li key={d.description}>{d.description}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      {verify &&
        ('error' in verify ? (
          <p class="error">{verify.error}</p>
        ) : (
          <div class={verify.ok ? 'ok' : 'bad'} data-check="verify">
            Rollback test {verify.ok ? 'passed' : 'failed'}: {verify.results.filter((r) => r.outcome === 'ok').length}{' '}
            ok, {verify.results.filter((r) => !['ok', 'irreversible', 'not-run'].includes(r.outcome)).length} failed
            <ul>
              {verify.results
                .filter((r) => r.outcome !== 'ok')
                .map((r) => (
                  <li key={r.version}>
                    {r.version}_{r.name}: {r.outcome}
                    {r.differences[0] ? ` — ${r.differences[0]}` : ''}
                  </li>
                ))}
            </ul>
          </div>
        ))}
    </section>
  );
}
