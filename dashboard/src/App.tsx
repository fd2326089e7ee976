import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, tokenStore, type Session, type Status } from './api.js';
import { Login } from './components/Login.js';
import { Overview } from './components/Overview.js';
import { MigrationList } from './components/MigrationList.js';
import { MigrationDetailPanel } from './components/MigrationDetail.js';
import { Timeline } from './components/Timeline.js';
import { Actions } from './components/Actions.js';
import { DurationChart } from './components/DurationChart.js';
import { ProgressLog, useProgress } from './components/ProgressLog.js';
import { Checks } from './components/Checks.js';
import type { VerifyReport } from './api.js';

export type StatusByEnv = Record<string, Status | { error: string }>;

/** Every environment at a glance; one selected environment in detail. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [statuses, setStatuses] = useState<StatusByEnv>({});
  const [env, setEnv] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [verifyReport, setVerifyReport] = useState<VerifyReport | null>(null);

  const login = useCallback(async (token?: string) => {
    if (token) tokenStore.set(token);
    if (!tokenStore.get()) return;
    try {
      const s = await api<Session>('/session');
      setSession(s);
      setEnv((current) => current ?? s.environments[0] ?? null);
      setLoginError(null);
    } catch (error) {
      tokenStore.clear();
      setLoginError(
        error instanceof ApiError && error.status === 401 ? 'That token was not accepted.' : (error as Error).message,
      );
    }
  }, []);

  useEffect(() => void login(), [login]);

  const refresh = useCallback(async () => {
    if (!session) return;
    const entries = await Promise.all(
      session.environments.map(async (name) => {
        try {
          return [name, await api<Status>('/status', { env: name })] as const;
        } catch (error) {
          return [name, { error: (error as Error).message }] as const;
        }
      }),
    );
    setStatuses(Object.fromEntries(entries));
    setRefreshKey((k) => k + 1);
  }, [session]);

  useEffect(() => void refresh(), [refresh]);
  const progress = useProgress(session ? (env ?? undefined) : undefined, refresh);

  if (!session) return <Login onLogin={login} error={loginError} />;
  const status = env ? statuses[env] : undefined;
  return (
    <div class="layout">
      <header>
        <h1>ogel-migrate</h1>
        <span class="role">{session.role === 'admin' ? 'admin' : 'read-only'}</span>
        <button
          onClick={() => {
            tokenStore.clear();
            setSession(null);
          }}
        >
          Log out
        </button>
      </header>
      <Overview
        statuses={statuses}
        selected={env}
        onSelect={(name) => {
          setEnv(name);
          setSelected(null);
        }}
      />
      {env && status && 'migrations' in status && (
        <main>
          <section aria-label={`Migrations in ${env}`}>
            <div class="section-head">
              <h2>Migrations — {env}</h2>
              {session.role === 'admin' && <Actions env={env} status={status} onDone={refresh} verify={verifyReport} />}
            </div>
            <Checks env={env} role={session.role} onVerify={setVerifyReport} />
            <ProgressLog lines={progress} />
            <MigrationList status={status} env={env} selected={selected} onSelect={setSelected} />
            {selected && (
              <MigrationDetailPanel
                env={env}
                version={selected}
                refreshKey={refreshKey}
                onClose={() => setSelected(null)}
              />
            )}
          </section>
          <DurationChart env={env} refreshKey={refreshKey} />
          <Timeline env={env} refreshKey={refreshKey} />
        </main>
      )}
      {env && status && 'error' in status && (
        <p class="error" role="alert">
          {env}: {status.error}
        </p>
      )}
    </div>
  );
}
