import { useEffect, useState } from 'preact/hooks';
import hljs from 'highlight.js/lib/core';
import pgsql from 'highlight.js/lib/languages/pgsql';
import { api, describeError, type MigrationDetail } from '../api.js';

hljs.registerLanguage('pgsql', pgsql);

/** A migration's SQL (up and down, highlighted), its lint findings and its events. */
export function MigrationDetailPanel({
  env,
  version,
  revision,
  onClose,
}: {
  env: string;
  version: string;
  revision: number;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<MigrationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setDetail(null);
    setError(null);
    api<MigrationDetail>(`/migrations/${encodeURIComponent(version)}`, { env }).then(
      (d) => current && setDetail(d),
      (e: unknown) => current && setError(describeError(e)),
    );
    return () => {
      current = false;
    };
  }, [env, version, revision]);
  return (
    <section class="detail" aria-label={`Migration ${version}`}>
      <div class="section-head">
        <h3>
          {version}
          {detail ? `_${detail.name}` : ''}
        </h3>
        <button onClick={onClose}>Close</button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {detail && (
        <>
          {detail.truncated && <p class="muted">The file is too large to show whole; it is cut and not linted.</p>}
          {detail.lint.length > 0 && (
            <ul class="lint">
              {detail.lint.map((f) => (
                <li key={`${f.rule}${f.line}`} class={f.severity}>
                  <strong>{f.rule}</strong> line {f.line}: {f.message} <em>{f.hint}</em>
                </li>
              ))}
            </ul>
          )}
          <Sql title={detail.file ?? 'up (file missing)'} sql={detail.up} />
          <Sql title={detail.downFile ?? 'no down file'} sql={detail.down} />
          <h4>Events</h4>
          <ul class="events">
            {detail.events.map((e) => (
              <li key={e.id}>
                {new Date(e.occurredAt).toLocaleString()} — {e.event} <span class={e.outcome}>{e.outcome}</span>{' '}
                {e.durationMs !== null ? `${e.durationMs} ms` : ''} by {e.actor}
                {e.error && <pre class="error">{e.error}</pre>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Sql({ title, sql }: { title: string; sql: string | null }) {
  if (sql === null) return <p class="muted">{title}</p>;
  // highlight.js escapes the source; its output is markup we produce, not the file's.
  const html = hljs.highlight(sql, { language: 'pgsql' }).value;
  return (
    <figure>
      <figcaption>{title}</figcaption>
      <pre class="sql">
        <code dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </figure>
  );
}
