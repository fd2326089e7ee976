import type { PromotionViolation, Review } from '../api.js';

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
 * be refused, with the option to force it with a reason) and the backup taken first.
 */
export function ReviewNotes({
  review,
  force,
  onForce,
}: {
  review: Review;
  force: ForceState;
  onForce: (next: ForceState) => void;
}) {
  const promotion = review.promotion;
  const violations = promotion?.violations ?? [];
  return (
    <div class="review-notes">
      {promotion && violations.length > 0 && (
        <div class="refused" data-review="promotion">
          <p>
            <strong>Promotion refused:</strong> {review.environment} comes after {promotion.upstream}, which has not run{' '}
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
      <p data-review="backup">
        {review.backup ? `A backup is taken first (${review.backup.reason}).` : 'No backup is taken first.'}
      </p>
    </div>
  );
}
