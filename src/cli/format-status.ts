import { shortChecksum } from '../core/checksum.js';
import { migrationLabel } from '../core/file-names.js';
import type { MigrationState, StatusReport } from '../core/status.js';
import { paint, type Colour, type Output } from './output.js';
import { formatTable } from './table.js';

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
    // A repeatable migration's key (R_views) would repeat its name; `R` says what it is.
    m.repeatable ? 'R' : m.version,
    m.name,
    m.state + (m.kind === 'baseline' ? ' (baseline)' : '') + (m.repeatable && m.appliedChecksum ? ' (changed)' : ''),
    m.appliedAt ? m.appliedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : m.kind === 'baseline' ? 'unknown' : '',
    m.appliedBy ? m.appliedBy.split(' ')[0]! : '',
    m.executionMs === null ? '' : String(m.executionMs),
    shortChecksum(m.checksum),
    m.reversible ? 'yes' : 'no',
  ]);
  const [head, ...body] = formatTable(rows, {
    header,
    paint: (row, column, cell) =>
      column === 2 ? paint(output, STATE_COLOUR[report.migrations[row]!.state], cell) : cell,
  });
  const lines = [
    paint(output, 'bold', `Tracking table ${report.table} — current version ${report.current ?? '(none)'}`),
    '',
    paint(output, 'gray', head!),
    ...body,
  ];
  if (report.migrations.length === 0) lines.push('(no migrations)');
  const c = report.counts;
  lines.push(
    '',
    `${c.applied} applied, ${c.pending} pending, ${c.modified} modified, ${c.missing} missing, ${c.failed} failed`,
  );
  for (const m of report.migrations.filter((x) => x.state === 'failed')) {
    lines.push(paint(output, 'red', `  ${migrationLabel(m)} failed: ${m.error ?? 'unknown error'}`));
  }
  if (report.ignored.length > 0) {
    lines.push(
      paint(output, 'gray', `Ignored files: ${report.ignored.map((f) => `${f.file} (${f.reason})`).join(', ')}`),
    );
  }
  return lines.join('\n');
}
