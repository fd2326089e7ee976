import { useEffect, useState } from 'preact/hooks';
import { streamEvents } from '../api.js';

interface Line {
  at: string;
  text: string;
  kind: 'info' | 'ok' | 'bad';
}

/** Follows the server's event stream for the selected environment while the page is open. */
export function useProgress(env: string | undefined, onRunEnd: () => void): Line[] {
  const [lines, setLines] = useState<Line[]>([]);
  useEffect(() => {
    if (env === undefined) return;
    const controller = new AbortController();
    const add = (text: string, kind: Line['kind'] = 'info') =>
      setLines((l) => [...l.slice(-30), { at: new Date().toLocaleTimeString(), text, kind }]);
    const follow = async () => {
      for (let attempt = 0; !controller.signal.aborted; attempt++) {
        await streamEvents(
          env,
          (name, data) => {
            const d = data as Record<string, unknown>;
            if (name === 'run:start')
              add(`${d.operation} started: ${(d.planned as string[]).join(', ') || 'nothing to do'}`);
            if (name === 'migration:start')
              add(
                `${d.direction === 'up' ? 'applying' : 'reverting'} ${d.version}_${d.name} (${Number(d.index) + 1}/${d.total})`,
              );
            if (name === 'migration:done') add(`${d.version} done in ${d.durationMs} ms`, 'ok');
            if (name === 'migration:failed') add(`${d.version} failed: ${d.error}`, 'bad');
            if (name === 'lock:waiting') add('waiting for the migration lock');
            if (name === 'run:end') {
              add(`${d.operation} ${d.outcome}`, d.outcome === 'success' ? 'ok' : 'bad');
              onRunEnd();
            }
          },
          controller.signal,
        ).catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
      }
    };
    void follow();
    return () => controller.abort();
  }, [env, onRunEnd]);
  return lines;
}

export function ProgressLog({ lines }: { lines: Line[] }) {
  if (lines.length === 0) return null;
  return (
    <ol class="progress" aria-live="polite" aria-label="Live progress">
      {lines.map((l, i) => (
        <li key={i} class={l.kind}>
          <time>{l.at}</time> {l.text}
        </li>
      ))}
    </ol>
  );
}
