import { runningText } from '../format.js';
import type { EnvState } from '../store.js';

/** The environment's action in flight, or how its last one ended (an error's location once, in its message). */
export function OutcomeLine({ env, state }: { env: string; state: EnvState }) {
  const { busy, outcome } = state;
  return (
    <div class="outcome" role="status" data-outcome={env}>
      {busy && (
        <p class="muted">
          {runningText(busy)} in {env}…
        </p>
      )}
      {!busy && outcome && (
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
