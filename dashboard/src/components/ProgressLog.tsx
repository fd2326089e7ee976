import type { ProgressLine } from '../store.js';

/** Live progress of the environment's runs, from the server's event stream (kept per environment). */
export function ProgressLog({ env, lines }: { env: string; lines: ProgressLine[] }) {
  if (lines.length === 0) return null;
  return (
    <ol class="progress" aria-live="polite" aria-label={`Live progress in ${env}`} data-progress={env}>
      {lines.map((l, i) => (
        <li key={i} class={l.kind}>
          <time>{l.at}</time> {l.text}
        </li>
      ))}
    </ol>
  );
}
