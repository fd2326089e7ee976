import type { FleetState } from '../api.js';
import { FAILING_STATES, FLEET_STATES } from '../format.js';

/** Every state the contract defines with its count, zeros included: a zero is news too ("0 failed"). */
export function FleetCounts({ counts }: { counts: Record<FleetState, number> }) {
  const states = Object.keys(FLEET_STATES) as FleetState[];
  return (
    <dl class="fleet-counts" aria-label="Targets by state">
      {states.map((s) => {
        const tone = counts[s] === 0 ? 'muted' : FAILING_STATES.has(s) ? 'bad' : s === 'behind' ? 'warn-text' : 'ok';
        return (
          <div key={s} class={tone} data-state={s}>
            <dt>{FLEET_STATES[s]}</dt>
            <dd data-count>{counts[s]}</dd>
          </div>
        );
      })}
    </dl>
  );
}
