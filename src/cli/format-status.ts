import { shortChecksum } from '../core/checksum.js';
import type { MigrationState, StatusReport } from '../core/status.js';
import { paint, type Colour, type Output } from './output.js';

const STATE_COLOUR: Record<MigrationState, Colour> = {
  applied: 'green',
  pending: 'yellow',
  modified: 'magenta',
  missing: 'red',
  failed: 'red',
};

/** The human `status` view: an aligned table, coloured on a terminal. */
export function formatStatus(output: Output, report: StatusReport): string {
  const header = ['VERSION', 'NAME', 'STATE', 'APPLIED AT', 'BY', 'MS', 'CHECKSUM', 'DOWN'];
  const rows = report.migrations.map((m) => [
    m.version,
    m.name,
    m.state + (m.kind === 'baseline' ? ' (baseline)' : ''),
    m.appliedAt ? m.appliedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : m.kind === 'baseline' ? 'unknown' : '',
    m.appliedBy ? m.appliedBy.split(' ')[0]! : '',
    m.executionMs === null ? '' : String(m.executionMs),
    shortChecksum(m.checksum),
    m.reversible ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], colour?: (i: number, cell: string) => string) =>
    cells
      .map((cell, i) => (colour ? colour(i, cell.padEnd(widths[i]!)) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [
    paint(output, 'bold', `Tracking table ${report.table} — current version ${report.current ?? '(none)'}`),
    '',
    paint(output, 'gray', line(header)),
    ...report.migrations.map((m, index) =>
      line(rows[index]!, (i, cell) => (i === 2 ? paint(output, STATE_COLOUR[m.state], cell) : cell)),
    ),
  ];
  if (report.migrations.length === 0) lines.push('(no migrations)');
  const c = report.counts;
  lines.push(
    '',
    `${c.applied} applied, ${c.pending} pending, ${c.modified} modified, ${c.missing} missing, ${c.failed} failed`,
  );
  for (const m of report.migrations.filter((x) => x.state === 'failed')) {
    lines.push(paint(output, 'red', `  ${m.version} failed: ${m.error ?? 'unknown error'}`));
  }
  if (report.ignored.length > 0) {
    lines.push(
      paint(output, 'gray', `Ignored files: ${report.ignored.map((f) => `${f.file} (${f.reason})`).join(', ')}`),
    );
  }
  return lines.join('\n');
}
