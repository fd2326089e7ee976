import { api, type FleetMigrateBody, type FleetReport, type FleetRollbackBody, type FleetSummary } from '../api.js';
import { fleetQuery } from '../fleets.js';
import { countsText } from '../format.js';
import { useReview } from '../review.js';
import type { Settled } from '../track.js';
import { ConfirmName } from './ConfirmName.js';
import { DialogFooter } from './DialogFooter.js';
import { EnvBadges } from './EnvBadges.js';
import { ReviewNotes } from './ReviewNotes.js';

/** A fleet-wide change the dashboard offers: a migrate, or a rollback of the newest `steps` migrations. */
export type FleetOperation = { kind: 'migrate' } | { kind: 'rollback'; steps: number };

/** What a confirmed fleet operation sends: the body of POST /fleet/migrate or POST /fleet/rollback. */
export type FleetRunBody = FleetMigrateBody | FleetRollbackBody;

/** The targets a fleet plan would change (apply or revert migrations on). */
function changing(plan: FleetReport) {
  return plan.targets.filter((t) => t.versions.length > 0);
}

function planPath(fleet: string, op: FleetOperation): string {
  const query = `${fleetQuery(fleet)}&operation=${op.kind}`;
  return `/fleet/plan?${query}${op.kind === 'rollback' ? `&steps=${op.steps}` : ''}`;
}

/** Targets listed by name in the review; the counts cover the rest. */
const LISTED = 10;

/**
 * Review, then confirm, for a whole fleet — the environment ReviewDialog's pattern: GET /fleet/plan first (what
 * each target would apply, the fleet plan id, the rules that apply), Confirm enabled only once the fleet's name
 * is typed back where it is protected and a reason given where a promotion must be forced. The run is bound to
 * the plan shown; a plan that moved is reloaded for a second review. Closing while it runs leaves it going.
 */
export function FleetReviewDialog({
  fleet,
  op,
  run,
  onClose,
}: {
  fleet: FleetSummary;
  op: FleetOperation;
  run: (op: FleetOperation, body: FleetRunBody) => Promise<Settled<FleetReport>>;
  onClose: () => void;
}) {
  const review = useReview<FleetReport>({
    key: `${fleet.name}:${op.kind}:${op.kind === 'rollback' ? op.steps : ''}`,
    loadPlan: () => api<FleetReport>(planPath(fleet.name, op)),
    hasWork: (plan) => changing(plan).length > 0,
    // The rollback sends the steps it was planned with, so the plan id it carries is the one shown.
    send: (confirmation, forcing) =>
      op.kind === 'rollback'
        ? run(op, { ...confirmation, steps: op.steps })
        : run(op, { ...confirmation, ...(forcing.force ? { force: { reason: forcing.reason.trim() } } : {}) }),
    changedNotice: 'The plan changed since you reviewed it. Nothing was changed. Review the plan as it is now.',
    onClose,
  });
  const { dialog, nameField, plan, loadError, typed, setTyped, force, setForce, refusal, notice, running } = review;
  const { requires, violations, ready, close, submit } = review;
  const planned = plan ? changing(plan) : [];
  const rollback = op.kind === 'rollback';

  return (
    <dialog
      ref={dialog}
      class="review"
      aria-modal="true"
      aria-labelledby="fleet-review-title"
      data-fleet={fleet.name}
      onClose={close}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h3 id="fleet-review-title">
          {rollback ? `Roll back ${op.steps} migration(s) on fleet` : 'Migrate fleet'} {fleet.name}{' '}
          <EnvBadges info={fleet} />
        </h3>
        {notice && (
          <p class="notice" role="alert" data-notice>
            {notice}
          </p>
        )}
        {!plan && !loadError && <p class="muted">Planning every target…</p>}
        {loadError && (
          <p class="error" role="alert">
            {loadError}
          </p>
        )}
        {plan && (
          <>
            <p data-field="plan-counts">
              {planned.length === 0
                ? `Nothing to ${rollback ? 'revert' : 'apply'} on any target.`
                : `${planned.length} of ${plan.targets.length} target(s) would ${rollback ? 'revert' : 'apply'} migrations.`}{' '}
              <span class="muted">({countsText(plan.counts)})</span>
            </p>
            <ul class="plan" aria-label={rollback ? 'Reverted per target' : 'Planned per target'}>
              {planned.slice(0, LISTED).map((t) => (
                <li key={t.name} data-target={t.name}>
                  <strong>{t.name}</strong>: {t.versions.join(', ')}
                  {t.canary ? ' (canary, goes first)' : ''}
                </li>
              ))}
              {planned.length > LISTED && <li class="muted">and {planned.length - LISTED} more</li>}
            </ul>
            {plan.findings.length > 0 && (
              <ul class="lint" aria-label="Lint findings">
                {plan.findings.map((f) => (
                  <li key={`${f.file}:${f.rule}:${f.line}`} class={f.severity}>
                    <strong>{f.rule}</strong> {f.file}:{f.line}: {f.message}
                  </li>
                ))}
              </ul>
            )}
            {plan.review && <ReviewNotes review={plan.review} force={force} onForce={setForce} />}
            <p class="muted">
              Plan <code data-plan-id>{plan.planId}</code> · {fleet.concurrency} at once
              {fleet.canary > 0 ? `, ${fleet.canary} canary target(s) first` : ''}
            </p>
            {requires && (
              <ConfirmName
                why={`Fleet ${fleet.name} is protected.`}
                name={requires.confirm}
                value={typed}
                onInput={setTyped}
                inputRef={nameField}
              />
            )}
          </>
        )}
        <DialogFooter refusal={refusal} running={running} ready={ready} onClose={close} />
      </form>
    </dialog>
  );
}
