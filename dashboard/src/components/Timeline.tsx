import { useEffect, useState } from 'preact/hooks';
import { api, type HistoryPage } from '../api.js';

const KINDS = ['', 'apply', 'rollback', 'baseline', 'repair', 'backup', 'restore', 'promotion_override'];

/** The event log, newest first, filtered and paginated with the server's `before` cursor. */
export function Timeline({ env, revision }: { env: string; revision: number }) {
  const [kind, setKind] = useState('');
  const [outcome, setOutcome] = useState('');
  const [pages, setPages] = useState<Array<number | undefined>>([undefined]);
  const [page, setPage] = useState<HistoryPage>({ events: [], nextBefore: null });
  const before = pages.at(-1);
  useEffect(() => setPages([undefined]), [env, kind, outcome, revision]);
  useEffect(() => {
    const query = new URLSearchParams({ limit: '20' });
    if (before !== undefined) query.set('before', String(before));
    if (kind) query.set('event', kind);
    if (outcome) query.set('outcome', outcome);
    // A late answer for an earlier filter or page must not replace the current one.
    let current = true;
    void api<HistoryPage>(`/history?${query}`, { env })
      .then((p) => current && setPage(p))
      .catch(() => current && setPage({ events: [], nextBefore: null }));
    return () => {
      current = false;
    };
  }, [env, before, kind, outcome, revision]);
  return (
    <section aria-label="History">
      <div class="section-head">
        <h2>History</h2>
        <label>
          Event{' '}
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome{' '}
          <select value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </label>
      </div>
      <ol class="timeline">
        {page.events.map((e) => (
          <li key={e.id} class={e.outcome}>
            <time dateTime={e.occurredAt}>{new Date(e.occurredAt).toLocaleString()}</time> <strong>{e.event}</strong>{' '}
            {e.version ? (e.name ? `${e.version}_${e.name}` : e.version) : ''}{' '}
            <span class={e.outcome}>{e.outcome}</span> {e.durationMs !== null ? `${e.durationMs} ms` : ''}{' '}
            <span class="muted">{e.actor}</span>
            {e.error && <pre class="error">{e.error}</pre>}
          </li>
        ))}
        {page.events.length === 0 && <li class="muted">No events.</li>}
      </ol>
      <div class="pager">
        <button disabled={pages.length <= 1} onClick={() => setPages((p) => p.slice(0, -1))}>
          Newer
        </button>
        <button disabled={page.nextBefore === null} onClick={() => setPages((p) => [...p, page.nextBefore!])}>
          Older
        </button>
      </div>
    </section>
  );
}
