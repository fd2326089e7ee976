import type { ImportResult } from './import.js';
import type { ImportProblem } from './types.js';

/** The import report: every file written and where it came from, what was skipped, every problem, the takeover. */
export function formatImportReport(result: ImportResult, format: 'text' | 'markdown'): string {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const problems = [...result.problems].sort(
    (a, b) => order[a.severity] - order[b.severity] || a.file.localeCompare(b.file),
  );
  const problemLine = (p: ImportProblem) =>
    `${p.severity.toUpperCase()} ${p.file} [${p.code}] ${p.message}${p.decideWith ? ` — decide with: ${p.decideWith}` : ''}`;
  const became = (f: ImportResult['files'][number]) =>
    `${f.target}${f.kind === 'check' ? ' (kept as a check, never run by migrate)' : ''}${f.noTransaction ? ` (no transaction: ${f.noTransaction})` : ''}`;
  const takeover = result.takeover
    ? [
        `Took over ${result.takeover.table} (left untouched): ${result.takeover.baselined.length} recorded as baseline` +
          (result.takeover.pending.length ? `; pending: ${result.takeover.pending.join(', ')}` : '; nothing pending'),
      ]
    : [];
  if (format === 'markdown') {
    const cell = (s: string) => s.replace(/\|/g, '\\|');
    return [
      `# Import report (${result.tool})`,
      '',
      `From \`${result.from}\` to \`${result.out}\`. Each file holds the ${result.tool} file's bytes unchanged; where it must run outside a transaction, one \`-- ogel:no-transaction\` line above them says why.`,
      '',
      '| written | from |',
      '| --- | --- |',
      ...result.files.map((f) => `| \`${cell(became(f))}\` | ${f.sources.map((s) => `\`${cell(s)}\``).join(', ')} |`),
      '',
      ...(takeover.length ? ['## Takeover', '', ...takeover, ''] : []),
      `## Problems (${problems.length})`,
      '',
      ...problems.map((p) => `- ${cell(problemLine(p))}`),
      '',
      `## Not imported (${result.skipped.length})`,
      '',
      ...result.skipped.map((s) => `- \`${cell(s.file)}\`: ${s.reason}`),
      '',
    ].join('\n');
  }
  const width = Math.max(10, ...result.files.map((f) => f.sources.join(', ').length));
  return [
    `Imported ${result.tool} ${result.from} → ${result.out}`,
    '',
    ...result.files.map((f) => `  ${f.sources.join(', ').padEnd(width)}  → ${became(f)}`),
    ...result.skipped.map((s) => `  ${s.file.padEnd(width)}  not imported (${s.reason})`),
    '',
    ...takeover,
    problems.length === 0 ? 'No problems found.' : `${problems.length} problem(s):`,
    ...problems.map((p) => `  ${problemLine(p)}`),
  ].join('\n');
}
