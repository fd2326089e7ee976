import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError, type FleetMigrateBody, type FleetReport, type FleetSummary } from '../api.js';
import { fleetQuery } from '../fleets.js';
import { countsText } from '../format.js';
import { REVIEW_REFUSALS, type Settled } from '../track.js';
import { ConfirmName } from './ConfirmName.js';
import { DialogFooter } from './DialogFooter.js';
import { EnvBadges } from './EnvBadges.js';
import { ReviewNotes, type ForceState } from './ReviewNotes.js';

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
  run,
  onClose,
}: {
  fleet: FleetSummary;
  run: (body: FleetMigrateBody) => Promise<Settled<FleetReport>>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const open = useRef(true);
  const [plan, setPlan] = useState<FleetReport | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [force, setForce] = useState<ForceState>({ force: false, reason: '' });
  const [refusal, setRefusal] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const load = useCallback(async () => {
    setPlan(null);
    setLoadError(null);
    try {
      const next = await api<FleetReport>(`/fleet/plan?${fleetQuery(fleet.name)}&operation=migrate`);
      if (open.current) setPlan(next);
    } catch (error) {
      if (open.current) setLoadError(describeError(error));
    }
  }, [fleet.name]);

  useEffect(() => {
    dialog.current?.showModal();
    void load();
    return () => {
      open.current = false;
    };
  }, [load]);
  useEffect(() => {
    if (plan?.review?.requires) nameField.current?.focus();
  }, [plan]);

  const close = () => {
    if (!open.current) return;
    open.current = false;
    if (dialog.current?.open) dialog.current.close();
    onClose();
  };

  const requires = plan?.review?.requires ?? null;
  const violations = plan?.review?.promotion?.violations ?? [];
  const planned = plan?.targets.filter((t) => t.versions.length > 0) ?? [];
  const ready =
    plan !== null &&
    plan.planId !== null &&
    !running &&
    planned.length > 0 &&
    (requires === null || typed.trim() === requires.confirm) &&
    (violations.length === 0 || (force.force && force.reason.trim() !== ''));

  const submit = async () => {
    if (!plan?.planId || !ready) return;
    setRunning(true);
    setRefusal(null);
    setNotice(null);
    const body: FleetMigrateBody = {
      plan: plan.planId,
      ...(requires ? { confirm: typed.trim() } : {}),
      // A force is sent only for the violations on screen: one ticked for an earlier plan does not carry over.
      ...(violations.length > 0 && force.force ? { force: { reason: force.reason.trim() } } : {}),
    };
    const settled = await run(body);
    if (!open.current) return;
    setRunning(false);
    if (settled.ok || !(settled.error instanceof ApiError) || !REVIEW_REFUSALS.has(settled.error.code)) {
      close();
      return;
    }
    if (settled.error.code === 'PLAN_CHANGED') {
      setNotice('The plan changed since you reviewed it. Nothing was changed. Review the plan as it is now.');
      setTyped('');
    } else {
      setRefusal(describeError(settled.error));
    }
    if (settled.error.code === 'PLAN_CHANGED' || settled.error.code === 'PROMOTION_REFUSED') await load();
  };

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
          Migrate fleet {fleet.name} <EnvBadges info={fleet} />
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
                ? 'Nothing to apply on any target.'
                : `${planned.length} of ${plan.targets.length} target(s) would apply migrations.`}{' '}
              <span class="muted">({countsText(plan.counts)})</span>
            </p>
            <ul class="plan" aria-label="Planned per target">
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
