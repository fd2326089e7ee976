import type { Review } from '../app/guards.js';
import { isRepeatableVersion, migrationLabel } from '../core/file-names.js';
import type { PlannedMigration } from '../runner/runner.js';
import { paint, type Output } from './output.js';

/** The dry-run plan: each migration's transaction mode, each statement's table locks, and lint findings. */
export function formatPlan(output: Output, verb: string, planned: readonly PlannedMigration[]): string {
  const lines = [`Would ${verb} ${planned.length} migration(s), in this order:`];
  for (const p of planned) {
    const mode = p.transactional ? 'one transaction' : paint(output, 'yellow', `no transaction (${p.modeReason})`);
    const repeatable = isRepeatableVersion(p.version) ? '  repeatable' : '';
    lines.push('', `${paint(output, 'bold', migrationLabel(p))}  ${p.file}  ${mode}${repeatable}`);
    for (const step of p.steps ?? []) {
      const locks =
        step.locks.length > 0
          ? paint(
              output,
              step.locks.some((l) => l.startsWith('ACCESS EXCLUSIVE')) ? 'red' : 'yellow',
              step.locks.join('; '),
            )
          : paint(output, 'gray', 'no table lock');
      lines.push(`  line ${String(step.line).padEnd(4)} ${step.statement}`, `            ${locks}`);
    }
    for (const f of p.findings ?? []) {
      lines.push(
        `  ${paint(output, f.severity === 'error' ? 'red' : 'yellow', `${f.severity} ${f.rule}`)} (line ${f.line}): ${f.message}`,
        `      ${f.hint}`,
      );
    }
  }
  return lines.join('\n');
}

/** The rules that apply to a plan: plan id, protection, what the upstream lacks, the backup that comes first. */
export function formatReview(output: Output, planId: string, review: Review, planned: number): string {
  const lines = [`${paint(output, 'gray', 'plan id')} ${planId}  (${review.environment})`];
  if (review.promotion && review.promotion.violations.length > 0) {
    const missing = review.promotion.violations.map((v) => `${v.version}_${v.name} (${v.reason})`).join(', ');
    lines.push(paint(output, 'red', `behind upstream: ${review.promotion.upstream} has not run ${missing}`));
  }
  if (review.backup) lines.push(`backup first: ${review.backup.reason}`);
  if (review.protected && planned > 0) {
    lines.push(
      paint(output, 'yellow', `${review.environment} is protected: confirm this plan with --yes (or --plan ${planId})`),
    );
  }
  return lines.join('\n');
}
