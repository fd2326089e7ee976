import { useEffect, useState } from 'preact/hooks';
import { api, type EnvironmentInfo, type EnvironmentSummary, type HistoryPage } from '../api.js';
import { clientOf, runningText } from '../format.js';
import { EnvBadges } from './EnvBadges.js';

/** One card per environment the token may see, from GET /environments; a card selects its environment. */
export function Overview({
  environments,
  summaries,
  selected,
  busyOf,
  onSelect,
}: {
  environments: EnvironmentInfo[];
  summaries: EnvironmentSummary[] | null;
  selected: string | null;
  /** The action this page has in flight in an environment, or null. */
  busyOf: (env: string) => string | null;
  onSelect: (env: string) => void;
}) {
  return (
    <nav class="overview" aria-label="Environments">
      {environments.map((info) => (
        <EnvCard
          key={info.name}
          info={info}
          summary={summaries?.find((s) => s.name === info.name) ?? null}
          active={info.name === selected}
          busy={busyOf(info.name)}
          onSelect={() => onSelect(info.name)}
        />
      ))}
    </nav>
  );
}

function EnvCard({
  info,
  summary,
  active,
  busy,
  onSelect,
}: {
  info: EnvironmentInfo;
  summary: EnvironmentSummary | null;
  active: boolean;
  busy: string | null;
  onSelect: () => void;
}) {
  const last = useLastEvent(info.name, summary);
  const status = summary?.status;
  const c = status?.counts;
  const warnings = c
    ? [c.failed && `${c.failed} failed`, c.modified && `${c.modified} modified`, c.missing && `${c.missing} missing`]
    : [];
  const bad = summary?.error || warnings.some(Boolean) || summary?.drifted;
  const tone = !summary ? '' : bad ? 'bad' : c?.pending ? 'warn' : 'good';
  return (
    <section
      class={`card ${active ? 'active' : ''} ${tone}`}
      aria-labelledby={`card-${info.name}`}
      data-env={info.name}
    >
      <h2>
        {/* The stretched button makes the whole card a target; the card's text stays readable as text. */}
        <button id={`card-${info.name}`} class="card-select" onClick={onSelect} aria-pressed={active}>
          {info.name}
        </button>{' '}
        <EnvBadges info={info} />
      </h2>
      {!summary && <p class="muted">loading…</p>}
      {summary?.error && <p class="warning">unreachable: {summary.error}</p>}
      {status && c && (
        <>
          <p class="version">
            version <strong>{status.current ?? '—'}</strong> · {c.pending} pending · {c.applied} applied
          </p>
          {warnings.some(Boolean) && <p class="warning">{warnings.filter(Boolean).join(' · ')}</p>}
          {info.after && <Upstream summary={summary} upstream={info.after} />}
          <p class={summary.drifted ? 'warning' : summary.drifted === false ? 'ok' : 'muted'} data-field="drift">
            {summary.drifted === null ? 'drift not checked yet' : summary.drifted ? 'drift found' : 'no drift'}
          </p>
        </>
      )}
      {busy && (
        <p class="lock" data-field="busy">
          {runningText(busy)}…
        </p>
      )}
      {summary?.lock && (
        <p class="lock">
          running: pid {summary.lock.pid} on {summary.lock.host ?? '?'}
          {summary.lock.since ? ` since ${new Date(summary.lock.since).toLocaleTimeString()}` : ''}
        </p>
      )}
      {last && (
        <p class="last">
          last: {last.event} {last.version ?? ''} <span class={last.outcome}>{last.outcome}</span> by{' '}
          {clientOf(last.actor)}, {new Date(last.occurredAt).toLocaleString()}
        </p>
      )}
    </section>
  );
}

/** Where this environment stands against the one it follows: what it lacks, and what would be refused. */
function Upstream({ summary, upstream }: { summary: EnvironmentSummary; upstream: string }) {
  return (
    <>
      {summary.behind.length > 0 ? (
        <p class="warn-text" data-field="behind">
          behind {upstream}: {summary.behind.join(', ')}
        </p>
      ) : (
        <p class="muted" data-field="behind">
          follows {upstream}, not behind
        </p>
      )}
      {summary.blocked.length > 0 && (
        <p class="warning" data-field="blocked">
          not yet in {upstream}: {summary.blocked.join(', ')} (a promotion would be refused)
        </p>
      )}
    </>
  );
}

/** The environment's newest event, read again whenever its summary changes. */
function useLastEvent(env: string, summary: EnvironmentSummary | null) {
  const [last, setLast] = useState<HistoryPage['events'][number] | null>(null);
  useEffect(() => {
    if (!summary || summary.error) return;
    let current = true;
    void api<HistoryPage>('/history?limit=1', { env })
      .then((h) => current && setLast(h.events[0] ?? null))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [env, summary]);
  return last;
}
