import type { FleetSummary } from '../api.js';
import { countsText } from '../format.js';
import { EnvBadges } from './EnvBadges.js';

/** One card per fleet the token may see, from GET /fleets; shown only when the server has any. */
export function FleetNav({
  fleets,
  selected,
  onSelect,
}: {
  fleets: FleetSummary[];
  selected: string | null;
  onSelect: (fleet: string) => void;
}) {
  if (fleets.length === 0) return null;
  return (
    <nav class="fleet-nav" aria-labelledby="fleets-title">
      <h2 id="fleets-title" class="nav-title">
        Fleets
      </h2>
      <div class="overview">
        {fleets.map((f) => {
          const c = f.counts;
          const tone = f.error || (c && (c.failed || c.unreachable)) ? 'bad' : c?.behind ? 'warn' : c ? 'good' : '';
          return (
            <section
              key={f.name}
              class={`card ${f.name === selected ? 'active' : ''} ${tone}`}
              aria-labelledby={`fleet-card-${f.name}`}
              data-fleet={f.name}
            >
              <h3>
                <button
                  id={`fleet-card-${f.name}`}
                  class="card-select"
                  onClick={() => onSelect(f.name)}
                  aria-pressed={f.name === selected}
                  aria-label={`Fleet ${f.name}`}
                >
                  {f.name}
                </button>{' '}
                <EnvBadges info={f} />
              </h3>
              <p class="muted">
                {f.targets ?? '…'} {f.kind === 'schemas' ? 'schema' : 'database'} target(s)
              </p>
              {c ? <p data-field="counts">{countsText(c)}</p> : <p class="muted">first status under way…</p>}
              {f.error && <p class="warning">{f.error}</p>}
              {f.run && (
                <p class="lock" data-field="run">
                  {f.run.operation}: {f.run.done}/{f.run.total} done
                </p>
              )}
            </section>
          );
        })}
      </div>
    </nav>
  );
}
