import { useState } from 'preact/hooks';
import type { FleetTargetResult } from '../api.js';
import { FLEET_STATES } from '../format.js';

/** Rows shown at first and added per "Show more": a fleet of a thousand tenants must not render them all at once. */
const PAGE = 25;

/**
 * Targets of one kind (the failing ones with their errors, the lagging ones with what they lack) in a table
 * that scrolls sideways inside its own box on a narrow screen; a target's name opens its detail.
 */
export function FleetTargets({
  id,
  title,
  empty,
  targets,
  selected,
  onSelect,
}: {
  id: string;
  title: string;
  empty: string;
  targets: FleetTargetResult[];
  selected: string | null;
  onSelect: (target: string) => void;
}) {
  const [shown, setShown] = useState(PAGE);
  const showError = targets.some((t) => t.error);
  return (
    <section aria-labelledby={`${id}-title`} data-targets={id}>
      <h3 id={`${id}-title`}>
        {title} ({targets.length})
      </h3>
      {targets.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label={`${title} table`}>
          <table class="migrations">
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">State</th>
                <th scope="col">Version</th>
                <th scope="col">Pending</th>
                {showError && <th scope="col">Error</th>}
              </tr>
            </thead>
            <tbody>
              {targets.slice(0, shown).map((t) => (
                <tr
                  key={t.name}
                  class={selected === t.name ? 'selected' : ''}
                  data-target={t.name}
                  data-state={t.state}
                >
                  <td>
                    <button class="link" onClick={() => onSelect(t.name)} aria-label={`Show target ${t.name}`}>
                      {t.name}
                    </button>
                    {t.canary && <span class="badge"> canary</span>}
                  </td>
                  <td>
                    <span class={`badge ${t.state}`}>{FLEET_STATES[t.state]}</span>
                  </td>
                  <td>{t.current ?? '—'}</td>
                  <td>{t.state === 'behind' ? `${t.versions.length}: ${t.versions.join(', ')}` : ''}</td>
                  {showError && (
                    <td class="target-error" data-field="error">
                      {t.error && (
                        <>
                          <strong>{t.error.code}</strong> {t.error.message}
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {targets.length > shown && (
        <button onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, targets.length - shown)} more of {targets.length - shown}
        </button>
      )}
    </section>
  );
}
