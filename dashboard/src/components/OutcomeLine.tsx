import type { Outcome } from '../store.js';

/**
 * An action in flight, or how the last one ended (an error's location once, in its message): under an
 * environment (`data-outcome="prod"`) or a fleet (`data-outcome="fleet:tenants"`).
 */
export function OutcomeLine({
  id,
  busyText,
  outcome,
}: {
  id: string;
  busyText: string | null;
  outcome: Outcome | null;
}) {
  return (
    <div class="outcome" role="status" data-outcome={id}>
      {busyText !== null && <p class="muted">{busyText}</p>}
      {busyText === null && outcome && (
        <div class={outcome.ok ? 'ok' : 'error'}>
          <p class="outcome-text">{outcome.text}</p>
          {outcome.notes.map((note) => (
            <p key={note}>{note}</p>
          ))}
        </div>
      )}
    </div>
  );
}
