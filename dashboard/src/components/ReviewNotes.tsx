import type { FleetReview, PromotionViolation, Review } from '../api.js';

const REASONS: Record<PromotionViolation['reason'], string> = {
  'not-applied-upstream': 'not applied',
  'checksum-differs': 'applied with a different checksum',
  'failed-upstream': 'failed',
};

export interface ForceState {
  force: boolean;
  reason: string;
}

/**
 * The rules that apply to a plan, before anyone confirms it: what the upstream lacks (a promotion that would
 * be refused, with the option to force it with a reason) and the backup taken first. An environment's review
 * and a fleet's share it: a fleet's backups are per target, by its policy.
 */
export function ReviewNotes({
  review,
  force,
  onForce,
}: {
  review: Review | FleetReview;
  force: ForceState;
  onForce: (next: ForceState) => void;
}) {
  const promotion = review.promotion;
  const violations = promotion?.violations ?? [];
  const subject = 'environment' in review ? review.environment : `Fleet ${review.fleet}`;
  return (
    <div class="review-notes">
      {promotion && violations.length > 0 && (
        <div class="refused" data-review="promotion">
          <p>
            <strong>Promotion refused:</strong> {subject} comes after {promotion.upstream}, which has not run{' '}
            {violations.map((v, i) => (
              <span key={v.version}>
                {i > 0 ? ', ' : ''}
                {v.version}_{v.name} ({REASONS[v.reason]})
              </span>
            ))}
            . Apply {violations.length === 1 ? 'it' : 'them'} to {promotion.upstream} first, or force with a reason
            (recorded in the event log).
          </p>
          <label class="inline">
            <input
              type="checkbox"
              checked={force.force}
              onChange={(e) => onForce({ ...force, force: (e.target as HTMLInputElement).checked })}
            />{' '}
            Force past {promotion.upstream}
          </label>
          {force.force && (
            <label class="field">
              Reason for forcing
              <input
                type="text"
                value={force.reason}
                autoComplete="off"
                placeholder="hotfix for INC-42"
                onInput={(e) => onForce({ ...force, reason: (e.target as HTMLInputElement).value })}
              />
            </label>
          )}
        </div>
      )}
      {promotion && violations.length === 0 && (
        <p class="ok" data-review="promotion">
          {promotion.upstream} has already applied all of these.
        </p>
      )}
      <p data-review="backup">{backupText(review)}</p>
    </div>
  );
}

function backupText(review: Review | FleetReview): string {
  if (!review.backup) return 'No backup is taken first.';
  if ('reason' in review.backup) return `A backup is taken first (${review.backup.reason}).`;
  return `Each target is backed up first where its backup policy (${review.backup.policy}) asks for it.`;
}
