import { useState } from 'preact/hooks';
import type { EnvironmentInfo, EnvironmentSummary, Session } from '../api.js';
import { runningText } from '../format.js';
import type { EnvState, UpdateEnv } from '../store.js';
import type { Track } from '../track.js';
import { Actions } from './Actions.js';
import { Checks } from './Checks.js';
import { DurationChart } from './DurationChart.js';
import { EnvBadges } from './EnvBadges.js';
import { MigrationDetailPanel } from './MigrationDetail.js';
import { MigrationList } from './MigrationList.js';
import { OutcomeLine } from './OutcomeLine.js';
import { ProgressLog } from './ProgressLog.js';
import { Timeline } from './Timeline.js';

/**
 * The selected environment in detail. Mounted per environment (keyed by name), so nothing local survives a
 * switch; what must survive — results, progress, reports — is in the environment's own state.
 */
export function EnvironmentView({
  info,
  role,
  summary,
  state,
  update,
  track,
  refresh,
}: {
  info: EnvironmentInfo;
  role: Session['role'];
  summary: EnvironmentSummary | null;
  state: EnvState;
  update: UpdateEnv;
  track: Track;
  refresh: () => void;
}) {
  const env = info.name;
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <main data-env={env}>
      <section aria-labelledby="env-title">
        <div class="section-head">
          <h2 id="env-title">
            Migrations — {env} <EnvBadges info={info} />
          </h2>
          {info.writable && state.status && <Actions info={info} summary={summary} state={state} track={track} />}
        </div>
        <OutcomeLine
          id={env}
          busyText={state.busy ? `${runningText(state.busy)} in ${env}…` : null}
          outcome={state.outcome}
        />
        <Checks info={info} role={role} state={state} update={update} onChecked={refresh} />
        <ProgressLog env={env} lines={state.progress} />
        {state.statusError && (
          <p class="error" role="alert">
            {env}: {state.statusError}
          </p>
        )}
        {state.status && <MigrationList status={state.status} selected={selected} onSelect={setSelected} />}
        {!state.status && !state.statusError && <p class="muted">Loading {env}…</p>}
        {selected && (
          <MigrationDetailPanel
            env={env}
            version={selected}
            revision={state.revision}
            onClose={() => setSelected(null)}
          />
        )}
      </section>
      <DurationChart env={env} revision={state.revision} />
      <Timeline env={env} revision={state.revision} />
    </main>
  );
}
