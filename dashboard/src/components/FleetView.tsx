import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type FleetReport, type FleetSummary } from '../api.js';
import { fleetQuery, useFleetOverview } from '../fleets.js';
import { countsText } from '../format.js';
import { failed, fleetRan } from '../outcomes.js';
import type { Outcome } from '../store.js';
import type { Settled } from '../track.js';
import { EnvBadges } from './EnvBadges.js';
import { FleetChecks } from './FleetChecks.js';
import { FleetCounts } from './FleetCounts.js';
import { FleetReviewDialog, type FleetOperation, type FleetRunBody } from './FleetReviewDialog.js';
import { FleetTargetDetail } from './FleetTargetDetail.js';
import { FleetTargets } from './FleetTargets.js';
import { OutcomeLine } from './OutcomeLine.js';
import { StepsInput } from './StepsInput.js';

/**
 * The selected fleet: targets by state, the failing ones with their errors, the lagging ones, one target in
 * detail (named in the hash, so a reload keeps it), and for a token that may change it, a reviewed migrate or
 * rollback.
 */
export function FleetView({
  fleet,
  target,
  onTarget,
  onChanged,
}: {
  fleet: FleetSummary;
  target: string | null;
  onTarget: (target: string | null) => void;
  /** After a run: the fleet cards read again. */
  onChanged: () => void;
}) {
  const { overview, error, refreshing, refresh } = useFleetOverview(fleet.name);
  const [reviewing, setReviewing] = useState<FleetOperation | null>(null);
  const [steps, setSteps] = useState(1);
  const [busy, setBusy] = useState<FleetOperation['kind'] | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [revision, setRevision] = useState(0);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const run = useCallback(
    async (op: FleetOperation, body: FleetRunBody): Promise<Settled<FleetReport>> => {
      setBusy(op.kind);
      setOutcome(null);
      const path = `/fleet/${op.kind}?${fleetQuery(fleet.name)}`;
      let settled: Settled<FleetReport>;
      try {
        settled = { ok: true, value: await api<FleetReport, FleetRunBody>(path, { method: 'POST', body }) };
      } catch (error) {
        settled = { ok: false, error };
      }
      if (mounted.current) {
        setBusy(null);
        setOutcome(settled.ok ? fleetRan(settled.value) : failed(settled.error));
        setRevision((r) => r + 1);
        // The server takes a new status once a run ended; a fresh read waits for that one instead of the old.
        void refresh(true);
      }
      onChanged();
      return settled;
    },
    [fleet.name, refresh, onChanged],
  );

  const shown = overview ?? fleet;
  const last = shown.lastRun;
  return (
    <main data-fleet={fleet.name}>
      <section aria-labelledby="fleet-title">
        <div class="section-head">
          <h2 id="fleet-title">
            Fleet — {fleet.name} <EnvBadges info={fleet} />
          </h2>
          <div class="actions">
            <button disabled={refreshing} onClick={() => void refresh(true)}>
              {refreshing ? 'Refreshing…' : 'Refresh now'}
            </button>
            {fleet.writable && (
              <>
                <button
                  class="primary"
                  disabled={busy !== null || shown.run !== null}
                  onClick={() => setReviewing({ kind: 'migrate' })}
                >
                  Migrate fleet…
                </button>
                <StepsInput value={steps} onChange={setSteps} label="Steps to roll back on every target" />
                <button
                  disabled={busy !== null || shown.run !== null}
                  onClick={() => setReviewing({ kind: 'rollback', steps })}
                >
                  Roll back fleet…
                </button>
              </>
            )}
          </div>
        </div>
        <p class="muted" data-field="refreshed">
          {shown.targets ?? '…'} target(s) ·{' '}
          {shown.refreshedAt
            ? `status of ${new Date(shown.refreshedAt).toLocaleTimeString()}, read again every ${Math.round(shown.refreshMs / 1000)} s`
            : 'first status under way'}
        </p>
        <OutcomeLine
          id={`fleet:${fleet.name}`}
          busyText={busy === null ? null : `${busy === 'rollback' ? 'Rolling back' : 'Migrating'} fleet ${fleet.name}…`}
          outcome={outcome}
        />
        {shown.run && (
          <p class="lock" data-field="run">
            {shown.run.operation} in progress: {shown.run.done}/{shown.run.total} done, {shown.run.running} running (
            {countsText(shown.run.counts)})
          </p>
        )}
        {last && !outcome && (
          <p class={last.ok ? 'muted' : 'warning'} data-field="last-run">
            Last run: {last.operation} {last.ok ? 'ok' : 'with failures'}, {new Date(last.startedAt).toLocaleString()} (
            {countsText(last.counts)})
          </p>
        )}
        {(error ?? shown.error) && (
          <p class="error" role="alert">
            {error ?? shown.error}
          </p>
        )}
        {shown.counts && <FleetCounts counts={shown.counts} />}
        {fleet.writable && <FleetChecks fleet={fleet} />}
      </section>
      {overview && (
        <>
          <FleetTargets
            id="failing"
            title="Failing targets"
            empty="No target failed or is unreachable."
            targets={overview.failing}
            selected={target}
            onSelect={onTarget}
          />
          <FleetTargets
            id="lagging"
            title="Lagging targets"
            empty="Every reachable target has applied the newest version."
            targets={overview.lagging}
            selected={target}
            onSelect={onTarget}
          />
        </>
      )}
      {target && (
        <FleetTargetDetail
          fleet={fleet.name}
          target={target}
          result={overview?.status?.targets.find((t) => t.name === target) ?? null}
          revision={revision}
          onClose={() => onTarget(null)}
        />
      )}
      {reviewing && <FleetReviewDialog fleet={fleet} op={reviewing} run={run} onClose={() => setReviewing(null)} />}
    </main>
  );
}
