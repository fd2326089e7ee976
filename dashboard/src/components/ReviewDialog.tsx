import {
  api,
  type Backup,
  type EnvironmentInfo,
  type MigrateBody,
  type MigrateResponse,
  type RestoreBody,
  type RestorePlan,
  type RestoreResponse,
  type RollbackBody,
  type RollbackResponse,
  type VerifyReport,
} from '../api.js';
import { migrated, restored, rolledBack } from '../outcomes.js';
import { useReview } from '../review.js';
import { REVIEW_REFUSALS, type Settled, type Track } from '../track.js';
import { ConfirmName } from './ConfirmName.js';
import { DialogFooter } from './DialogFooter.js';
import { EnvBadges } from './EnvBadges.js';
import { PlanSteps } from './PlanSteps.js';
import { ReviewNotes, type ForceState } from './ReviewNotes.js';

/** A change the dashboard can make, reviewed in this dialog first. */
export type Operation = { kind: 'migrate' } | { kind: 'rollback'; steps: number } | { kind: 'restore'; backup: Backup };

type Plan = MigrateResponse | RollbackResponse | RestorePlan;

const TITLES = { migrate: 'Migrate', rollback: 'Roll back', restore: 'Restore' } as const;

/** The steps a migrate or rollback plan lists; a restore plan has none (it replaces everything). */
function plannedOf(plan: Plan) {
  return 'planned' in plan ? plan.planned : null;
}

function planPath(op: Operation): string {
  if (op.kind === 'migrate') return '/plan?operation=migrate';
  if (op.kind === 'rollback') return `/plan?operation=rollback&steps=${op.steps}`;
  return `/plan?operation=restore&backup=${encodeURIComponent(op.backup.id)}`;
}

/** Sends the reviewed change, bound to the plan id that was shown (and the name typed back, where required). */
function perform(env: string, op: Operation, confirmation: { confirm?: string; plan: string }, force: ForceState) {
  if (op.kind === 'migrate') {
    const body: MigrateBody = { ...confirmation, ...(force.force ? { force: { reason: force.reason.trim() } } : {}) };
    return api<MigrateResponse, MigrateBody>('/migrate', { method: 'POST', body, env }).then(migrated);
  }
  if (op.kind === 'rollback') {
    const body: RollbackBody = { steps: op.steps, ...confirmation };
    return api<RollbackResponse, RollbackBody>('/rollback', { method: 'POST', body, env }).then(rolledBack);
  }
  return api<RestoreResponse, RestoreBody>(`/backups/${encodeURIComponent(op.backup.id)}/restore`, {
    method: 'POST',
    body: confirmation,
    env,
  }).then(restored);
}

/**
 * Review, then confirm: the dialog first asks GET /plan, shows what will run and the rules that apply, and
 * enables Confirm only when the plan is acceptable — the environment's name typed back where it is required, a
 * reason given where a promotion must be forced. Confirm never has the focus by default. A refusal is shown
 * here; a plan that moved is reloaded for a second review. Closing while it runs leaves the run going: its
 * result lands under its own environment.
 */
export function ReviewDialog({
  info,
  op,
  verify,
  track,
  onClose,
}: {
  info: EnvironmentInfo;
  op: Operation;
  verify: VerifyReport | null;
  track: Track;
  onClose: () => void;
}) {
  const env = info.name;
  const review = useReview<Plan>({
    key: `${env} ${planPath(op)}`,
    loadPlan: () => api<Plan>(planPath(op), { env }),
    hasWork: (plan) => {
      const steps = plannedOf(plan);
      return steps === null || steps.length > 0;
    },
    send: (confirmation, forcing): Promise<Settled<unknown>> =>
      track(env, op.kind, () => perform(env, op, confirmation, forcing), {
        describe: (outcome) => outcome,
        handled: (error) => review.open.current && REVIEW_REFUSALS.has(error.code),
      }),
    changedNotice:
      'The plan changed since you reviewed it (a file was edited or someone else ran a migration). ' +
      'Nothing was changed. This is the plan as it is now: review it and confirm again.',
    onClose,
  });
  const { dialog, nameField, plan, loadError, typed, setTyped, force, setForce, refusal, notice, running } = review;
  const { requires, violations, ready, close, submit } = review;
  const items = plan ? plannedOf(plan) : null;

  return (
    <dialog ref={dialog} class="review" aria-modal="true" aria-labelledby="review-title" data-env={env} onClose={close}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h3 id="review-title">
          {TITLES[op.kind]} {env} <EnvBadges info={info} />
        </h3>
        {notice && (
          <p class="notice" role="alert" data-notice>
            {notice}
          </p>
        )}
        {!plan && !loadError && <p class="muted">Planning…</p>}
        {loadError && (
          <p class="error" role="alert">
            {loadError}
          </p>
        )}
        {plan && (
          <>
            {items && items.length === 0 && <p>Nothing to {op.kind === 'migrate' ? 'apply' : 'roll back'}.</p>}
            {items && items.length > 0 && <PlanSteps planned={items} {...(op.kind === 'rollback' ? { verify } : {})} />}
            {!('planned' in plan) && <RestoreSummary env={env} backup={plan.backup} />}
            <ReviewNotes review={plan.review} force={force} onForce={setForce} />
            <p class="muted">
              Plan <code data-plan-id>{plan.planId}</code>
            </p>
            {requires && (
              <ConfirmName
                why={info.protected ? `${env} is protected.` : 'A restore replaces the database.'}
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

function RestoreSummary({ env, backup }: { env: string; backup: Backup }) {
  return (
    <p>
      Replaces everything in {env} with backup <code>{backup.id}</code> (version {backup.version ?? '—'}, taken{' '}
      {new Date(backup.createdAt).toLocaleString()} by {backup.createdBy}). Changes made since are lost.
    </p>
  );
}
