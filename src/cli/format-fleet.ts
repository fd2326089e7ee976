import type { FleetProgress } from '../fleet/operations.js';
import type { FleetReport, FleetState, FleetTargetResult } from '../fleet/report.js';
import type { FleetVerifyReport } from '../fleet/verify.js';
import { paint, type Colour, type Output } from './output.js';

const LABEL: Record<FleetState, string> = {
  'up-to-date': 'up to date',
  behind: 'behind',
  applied: 'applied',
  reverted: 'reverted',
  failed: 'failed',
  'not-reached': 'not reached',
  unreachable: 'unreachable',
};

const COLOUR: Record<FleetState, Colour> = {
  'up-to-date': 'green',
  behind: 'yellow',
  applied: 'green',
  reverted: 'green',
  failed: 'red',
  'not-reached': 'gray',
  unreachable: 'red',
};

/** Names listed in full up to this many; beyond it, the first ones and a count. */
const LIST_LIMIT = 20;

/** The human summary of a fleet operation: counts by state, then who failed (with the error) and who lags. */
export function formatFleetReport(output: Output, report: FleetReport): string {
  const what = report.dryRun && report.operation !== 'status' ? `${report.operation} plan` : report.operation;
  const lines = [
    `${paint(output, 'bold', `Fleet ${report.fleet}`)} — ${what}: ${report.targets.length} target(s), ` +
      `concurrency ${report.concurrency}, ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  const width = Math.max(...Object.values(LABEL).map((l) => l.length));
  for (const [state, count] of Object.entries(report.counts) as Array<[FleetState, number]>) {
    if (count > 0) lines.push(`  ${paint(output, COLOUR[state], LABEL[state].padEnd(width))}  ${count}`);
  }
  const failing = report.targets.filter((t) => t.state === 'failed' || t.state === 'unreachable');
  if (failing.length > 0) {
    lines.push('', paint(output, 'red', 'Failed or unreachable:'));
    for (const t of failing.slice(0, LIST_LIMIT)) {
      lines.push(`  ${t.name}${t.canary ? ' (canary)' : ''}  [${t.error?.code}] ${t.error?.message.split('\n')[0]}`);
    }
    if (failing.length > LIST_LIMIT) lines.push(`  … and ${failing.length - LIST_LIMIT} more (--json lists all)`);
  }
  if (report.dryRun) lines.push(...groupedVersions(report));
  const notReached = report.targets.filter((t) => t.state === 'not-reached');
  if (notReached.length > 0) lines.push('', `Not reached: ${names(notReached)}`);
  if (report.stopped) lines.push('', paint(output, 'yellow', report.stopped.message));
  for (const f of report.findings) {
    lines.push(
      `  ${paint(output, f.severity === 'error' ? 'red' : 'yellow', `${f.severity} ${f.rule}`)} ${f.file}:${f.line}: ${f.message}`,
    );
  }
  if (report.planId) lines.push('', ...formatFleetRules(output, report));
  return lines.join('\n');
}

/** The plan id and the rules a run will meet: confirmation, promotion, backups. */
function formatFleetRules(output: Output, report: FleetReport): string[] {
  const lines = [`plan id ${report.planId}`];
  const review = report.review;
  if (!review) return lines;
  if (review.requires) {
    lines.push(
      paint(output, 'yellow', `Fleet ${review.fleet} is protected:`) +
        ` confirm with --yes --plan ${review.requires.plan} (HTTP: {"confirm": "${review.requires.confirm}", "plan": "${review.requires.plan}"})`,
    );
  }
  if (review.promotion) {
    const { upstream, violations } = review.promotion;
    lines.push(
      violations.length === 0
        ? `after ${upstream}: it has applied every file this run may apply`
        : paint(output, 'red', `after ${upstream}: it has not applied ${violations.map((v) => v.version).join(', ')}`) +
            ' (pass --to, or --force-promotion "<reason>")',
    );
  }
  if (review.backup) lines.push(`each target is backed up first where policy ${review.backup.policy} asks`);
  return lines;
}

/** Dry runs: which targets would get which versions, grouped (hundreds of tenants often share one plan). */
function groupedVersions(report: FleetReport): string[] {
  const groups = new Map<string, FleetTargetResult[]>();
  for (const t of report.targets.filter((t) => t.state === 'behind')) {
    const key = t.versions.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const verb = report.operation === 'status' ? 'pending' : report.operation === 'rollback' ? 'revert' : 'apply';
  return [...groups].flatMap(([versions, targets]) => ['', `${verb} ${versions}: ${names(targets)}`]);
}

function names(targets: readonly FleetTargetResult[]): string {
  const shown = targets
    .slice(0, LIST_LIMIT)
    .map((t) => t.name)
    .join(', ');
  return targets.length > LIST_LIMIT ? `${shown}, … (${targets.length} in all)` : shown;
}

/**
 * Progress on stderr while a fleet operation runs: on a terminal one bar, redrawn in place; otherwise a line
 * for each failure as it happens and one at every tenth of the way, so a CI log shows movement without a
 * line per tenant.
 */
export function fleetProgress(output: Output): (progress: FleetProgress) => void {
  const counts = new Map<FleetState, number>();
  let shownTenth = 0;
  let drawnAt = 0;
  return (p) => {
    if (p.last) counts.set(p.last.state, (counts.get(p.last.state) ?? 0) + 1);
    const summary = [...counts].map(([state, n]) => `${LABEL[state]} ${n}`).join(' · ');
    if (output.isTTY && output.update) {
      const now = Date.now();
      if (p.done < p.total && now - drawnAt < 80) return;
      drawnAt = now;
      const width = 30;
      const filled = Math.round((p.done / Math.max(1, p.total)) * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      output.update(
        p.done === p.total
          ? ''
          : `${bar} ${p.done}/${p.total}  ${summary}${p.running ? `  (${p.running} running)` : ''}`,
      );
      return;
    }
    if (p.last && (p.last.state === 'failed' || p.last.state === 'unreachable')) {
      output.err(`${p.last.name}: ${p.last.state} [${p.last.error?.code}] ${p.last.error?.message.split('\n')[0]}`);
    }
    const tenth = Math.floor((p.done * 10) / Math.max(1, p.total));
    if (p.last && tenth > shownTenth) {
      shownTenth = tenth;
      output.err(`[${p.done}/${p.total}] ${summary}`);
    }
  };
}

/** `fleet verify`: each server's rollback test, and what failed in it. */
export function formatFleetVerify(output: Output, report: FleetVerifyReport): string {
  const lines = [
    `${paint(output, 'bold', `Fleet ${report.fleet}`)} — rollback test on ${report.servers.length} server(s)`,
  ];
  for (const s of report.servers) {
    const where = `${s.server} (${s.targets} target(s); values of ${s.example})`;
    if (!s.report) {
      lines.push(`  ${paint(output, 'red', 'error')} ${where}: [${s.error?.code}] ${s.error?.message.split('\n')[0]}`);
      continue;
    }
    const bad = s.report.results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'irreversible');
    lines.push(
      `  ${paint(output, s.report.ok ? 'green' : 'red', s.report.ok ? 'ok' : 'failed')} ${where}: ` +
        `${s.report.results.length} migration(s) tested`,
    );
    for (const r of bad) {
      const why = r.error ?? r.differences.slice(0, 3).join('; ');
      lines.push(`    ${r.version}_${r.name}: ${r.outcome}${why ? ` — ${why}` : ''}`);
    }
  }
  return lines.join('\n');
}
