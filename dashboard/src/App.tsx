import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError, tokenStore, type EnvironmentSummary, type Session, type Status } from './api.js';
import { useFleetList } from './fleets.js';
import { useHashView } from './hash.js';
import { useEnvStates } from './store.js';
import { useEventStreams } from './streams.js';
import { makeTrack } from './track.js';
import { Login } from './components/Login.js';
import { Overview } from './components/Overview.js';
import { EnvironmentView } from './components/EnvironmentView.js';
import { FleetNav } from './components/FleetNav.js';
import { FleetView } from './components/FleetView.js';

/** Every environment and fleet at a glance; the one named in the URL's hash in detail. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [summaries, setSummaries] = useState<EnvironmentSummary[] | null>(null);
  const [overviewError, setOverviewError] = useState<string | null>(null);
  const [view, select] = useHashView();
  const hashEnv = view.env;
  const { of, update, busyEnvs, reset } = useEnvStates();

  const login = useCallback(async (token?: string) => {
    if (token) tokenStore.set(token);
    // No token yet (first visit): ask for one before calling anything, so the console stays free of 401s.
    if (!tokenStore.get()) return;
    try {
      setSession(await api<Session>('/session'));
      setLoginError(null);
    } catch (error) {
      tokenStore.clear();
      setLoginError(
        error instanceof ApiError && error.status === 401 ? 'That token was not accepted.' : describeError(error),
      );
    }
  }, []);
  useEffect(() => void login(), [login]);

  const { fleets, reload: reloadFleets } = useFleetList(session !== null);
  const fleet = view.fleet ? (fleets?.find((f) => f.name === view.fleet) ?? null) : null;
  // A fleet named in the hash waits for the list of fleets before anything else is shown in its place.
  const fleetPending = view.fleet !== null && fleets === null;
  const known = session?.environments ?? [];
  const selected = known.find((e) => e.name === hashEnv) ?? known.find((e) => e.name === session?.defaultEnvironment);
  const showEnv = !fleet && !fleetPending;
  useEffect(() => {
    // An unknown or invisible name in the hash (an old link, another token's environment or fleet) falls back.
    if (showEnv && selected && (selected.name !== hashEnv || view.fleet)) select({ env: selected.name }, true);
  }, [showEnv, selected, hashEnv, view.fleet, select]);

  // Answers can arrive out of order; only the newest overview request may set the cards.
  const overviewRequest = useRef(0);
  const refreshOverview = useCallback(async () => {
    const id = ++overviewRequest.current;
    try {
      const { environments } = await api<{ environments: EnvironmentSummary[] }>('/environments');
      if (id !== overviewRequest.current) return;
      setSummaries(environments);
      setOverviewError(null);
    } catch (error) {
      if (id === overviewRequest.current) setOverviewError(describeError(error));
    }
  }, []);
  const refreshEnv = useCallback(
    async (env: string) => {
      try {
        const status = await api<Status>('/status', { env });
        update(env, (s) => ({ status, statusError: null, revision: s.revision + 1 }));
      } catch (error) {
        update(env, () => ({ statusError: describeError(error) }));
      }
    },
    [update],
  );
  const changed = useCallback(
    (env: string) => {
      void refreshOverview();
      void refreshEnv(env);
    },
    [refreshOverview, refreshEnv],
  );
  const track = useMemo(() => makeTrack(update, changed), [update, changed]);

  useEffect(() => {
    if (session) void refreshOverview();
  }, [session, refreshOverview]);
  const selectedName = showEnv ? selected?.name : undefined;
  useEffect(() => {
    if (selectedName) void refreshEnv(selectedName);
  }, [selectedName, refreshEnv]);
  useEventStreams(selectedName ? [selectedName, ...busyEnvs] : [], update, changed);

  if (!session) return <Login onLogin={login} error={loginError} />;
  return (
    <div class="layout">
      <header class="top">
        <h1>ogel-migrate</h1>
        <span class="role">
          {session.actor} · {session.role === 'admin' ? 'admin' : 'read-only'}
        </span>
        <button
          onClick={() => {
            tokenStore.clear();
            setSession(null);
            setSummaries(null);
            reset();
          }}
        >
          Log out
        </button>
      </header>
      {overviewError && (
        <p class="error" role="alert">
          {overviewError}
        </p>
      )}
      <Overview
        environments={known}
        summaries={summaries}
        selected={selectedName ?? null}
        busyOf={(env) => of(env).busy}
        onSelect={(name) => select({ env: name })}
      />
      {fleets && (
        <FleetNav fleets={fleets} selected={fleet?.name ?? null} onSelect={(name) => select({ fleet: name })} />
      )}
      {fleet ? (
        <FleetView
          key={fleet.name}
          fleet={fleet}
          target={view.target}
          onTarget={(target) => select({ fleet: fleet.name, target })}
          onChanged={reloadFleets}
        />
      ) : fleetPending ? (
        <p class="muted">Loading fleets…</p>
      ) : selected ? (
        <EnvironmentView
          key={selected.name}
          info={selected}
          role={session.role}
          summary={summaries?.find((s) => s.name === selected.name) ?? null}
          state={of(selected.name)}
          update={update}
          track={track}
          refresh={() => changed(selected.name)}
        />
      ) : (
        <p class="muted">This token may not see any environment.</p>
      )}
    </div>
  );
}
