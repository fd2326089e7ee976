import { useEffect } from 'preact/hooks';
import {
  api,
  describeError,
  type DriftReport,
  type EnvironmentInfo,
  type Session,
  type VerifyResponse,
} from '../api.js';
import type { EnvState, UpdateEnv } from '../store.js';
import { VerifyResults } from './VerifyResults.js';

/**
 * On-demand checks that need a scratch database: drift (anyone) and the rollback test (a token that may change
 * the environment, since it runs every migration). Their reports are kept per environment.
 */
export function Checks({
  info,
  role,
  state,
  update,
  onChecked,
}: {
  info: EnvironmentInfo;
  role: Session['role'];
  state: EnvState;
  update: UpdateEnv;
  onChecked: () => void;
}) {
  const env = info.name;
  useEffect(() => {
    let current = true;
    void api<VerifyResponse>('/verify', { env })
      .then((r) => current && r.report && update(env, (s) => (s.verify ? {} : { verify: r.report })))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [env, update]);

  // The environment is captured here: a check that ends after a switch is recorded where it ran.
  const check = async (what: 'drift' | 'verify') => {
    update(env, () => ({ busy: what, checkError: null }));
    try {
      if (what === 'drift') {
        const drift = await api<DriftReport>('/drift', { env });
        update(env, () => ({ drift }));
      } else {
        const { report } = await api<VerifyResponse, Record<string, never>>('/verify', {
          method: 'POST',
          body: {},
          env,
        });
        update(env, () => ({ verify: report }));
      }
    } catch (error) {
      update(env, () => ({ checkError: describeError(error) }));
    } finally {
      update(env, () => ({ busy: null }));
      onChecked();
    }
  };

  const { drift, verify, busy } = state;
  return (
    <section class="checks" aria-label={`Checks of ${env}`}>
      <button disabled={busy !== null} onClick={() => void check('drift')}>
        {busy === 'drift' ? 'Checking drift…' : 'Check drift'}
      </button>
      {role === 'admin' && info.writable && (
        <button disabled={busy !== null} onClick={() => void check('verify')}>
          {busy === 'verify' ? 'Testing rollbacks…' : 'Rollback test'}
        </button>
      )}
      {state.checkError && <p class="error">{state.checkError}</p>}
      {drift && (
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
      )}
      {verify && (
        <div class={verify.ok ? 'ok' : 'bad'} data-check="verify">
          <VerifyResults report={verify} label="Rollback test" />
        </div>
      )}
    </section>
  );
}
