import type { StatusByEnv } from '../App.js';
import { useEffect, useState } from 'preact/hooks';
import { api, type HistoryEvent } from '../api.js';

interface LockInfo {
  holder: { pid: number; host: string | null; since: string | null } | null;
}

/** One card per environment: version, pending, last run, warnings, lock holder. */
export function Overview({
  statuses,
  selected,
  onSelect,
}: {
  statuses: StatusByEnv;
  selected: string | null;
  onSelect: (env: string) => void;
}) {
  return (
    <nav class="overview" aria-label="Environments">
      {Object.entries(statuses).map(([env, status]) => (
        <EnvCard key={env} env={env} status={status} active={env === selected} onSelect={() => onSelect(env)} />
      ))}
    </nav>
  );
}

function EnvCard({
  env,
  status,
  active,
  onSelect,
}: {
  env: string;
  status: StatusByEnv[string];
  active: boolean;
  onSelect: () => void;
}) {
  const [last, setLast] = useState<HistoryEvent | null>(null);
  const [lock, setLock] = useState<LockInfo['holder']>(null);
  useEffect(() => {
    void api<{ events: HistoryEvent[] }>('/history?limit=1', { env })
      .then((h) => setLast(h.events[0] ?? null))
      .catch(() => setLast(null));
    void api<LockInfo>('/lock', { env })
      .then((l) => setLock(l.holder))
      .catch(() => setLock(null));
  }, [env, status]);
  if ('error' in status) {
    return (
      <button class={`card ${active ? 'active' : ''} bad`} onClick={onSelect} aria-pressed={active}>
        <h2>{env}</h2>
        <p>unreachable: {status.error}</p>
      </button>
    );
  }
  const c = status.counts;
  const warnings = [
    c.failed && `${c.failed} failed`,
    c.modified && `${c.modified} modified`,
    c.missing && `${c.missing} missing`,
  ].filter(Boolean);
  return (
    <button
      class={`card ${active ? 'active' : ''} ${warnings.length ? 'bad' : c.pending ? 'warn' : 'good'}`}
      onClick={onSelect}
      aria-pressed={active}
    >
      <h2>{env}</h2>
      <p class="version">
        version <strong>{status.current ?? '—'}</strong>
      </p>
      <p>
        {c.pending} pending · {c.applied} applied
      </p>
      {warnings.length > 0 && <p class="warning">{warnings.join(' · ')}</p>}
      {last && (
        <p class="last">
          last: {last.event} {last.version ?? ''} <span class={last.outcome}>{last.outcome}</span>{' '}
          {last.durationMs !== null ? `${last.durationMs} ms` : ''} by {last.actor.split(' ')[0]},{' '}
          {new Date(last.occurredAt).toLocaleString()}
        </p>
      )}
      {lock && (
        <p class="lock">
          running: pid {lock.pid} on {lock.host ?? '?'} since{' '}
          {lock.since ? new Date(lock.since).toLocaleTimeString() : '?'}
        </p>
      )}
    </button>
  );
}
