import type { AppliedRow, Migration } from '../core/migration.js';
import { normalizeVersion } from '../core/version.js';
import { OgelError } from '../errors.js';

export interface PromotionViolation {
  version: string;
  name: string;
  reason: 'not-applied-upstream' | 'checksum-differs' | 'failed-upstream';
}

/**
 * Which planned migrations the upstream environment (`after`) has not applied with the same checksum. Pure:
 * "staging only runs what dev ran, byte for byte" is decided here.
 */
export function promotionViolations(
  planned: readonly Migration[],
  upstreamRows: readonly AppliedRow[],
): PromotionViolation[] {
  const upstream = new Map(upstreamRows.map((row) => [normalizeVersion(row.version), row]));
  const violations: PromotionViolation[] = [];
  for (const migration of planned) {
    const row = upstream.get(normalizeVersion(migration.version));
    if (!row) violations.push({ version: migration.version, name: migration.name, reason: 'not-applied-upstream' });
    else if (row.status !== 'applied')
      violations.push({ version: migration.version, name: migration.name, reason: 'failed-upstream' });
    else if (row.checksum !== migration.checksum)
      violations.push({ version: migration.version, name: migration.name, reason: 'checksum-differs' });
  }
  return violations;
}

const REASONS: Record<PromotionViolation['reason'], string> = {
  'not-applied-upstream': 'not applied',
  'failed-upstream': 'failed',
  'checksum-differs': 'applied with a different checksum',
};

export function promotionError(environment: string, upstream: string, violations: PromotionViolation[]): OgelError {
  const list = violations.map((v) => `${v.version}_${v.name} (${REASONS[v.reason]} in ${upstream})`).join(', ');
  return new OgelError(
    'PROMOTION_REFUSED',
    `${environment} comes after ${upstream}, which has not run: ${list}. Apply them to ${upstream} first, or pass ` +
      '--force-promotion "<reason>" (recorded in the event log).',
    { environment, upstream, violations },
  );
}
