import type { Status } from '../api.js';
import { clientOf } from '../format.js';

/**
 * The migrations of one environment; a row opens its SQL and events. On a narrow screen the table scrolls
 * sideways inside its own box (focusable, so the keyboard can scroll it) instead of widening the page.
 */
export function MigrationList({
  status,
  selected,
  onSelect,
}: {
  status: Status;
  selected: string | null;
  onSelect: (version: string) => void;
}) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label="Migrations table">
      <table class="migrations">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Applied</th>
            <th scope="col">By</th>
            <th scope="col">Duration</th>
            <th scope="col">Checksum</th>
            <th scope="col">Down</th>
          </tr>
        </thead>
        <tbody>
          {status.migrations.map((m) => (
            <tr
              key={m.version}
              class={selected === m.version ? 'selected' : ''}
              data-version={m.version}
              data-state={m.state}
            >
              <td>
                <button class="link" onClick={() => onSelect(m.version)} aria-label={`Show migration ${m.version}`}>
                  {m.version}
                </button>
              </td>
              <td>{m.name}</td>
              <td>
                <span class={`badge ${m.state}`}>
                  {m.state}
                  {m.kind === 'baseline' ? ' (baseline)' : ''}
                </span>
              </td>
              <td>{m.appliedAt ? new Date(m.appliedAt).toLocaleString() : m.kind === 'baseline' ? 'unknown' : ''}</td>
              <td title={m.appliedBy ?? undefined}>{m.appliedBy ? clientOf(m.appliedBy) : ''}</td>
              <td>{m.executionMs !== null ? `${m.executionMs} ms` : ''}</td>
              <td>
                <code>{m.checksum.replace('sha256:', '').slice(0, 8)}</code>
              </td>
              <td>{m.reversible ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
