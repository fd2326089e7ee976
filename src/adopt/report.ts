import type { AdoptEntry, AdoptProblem } from './analyze.js';

/** The adopt report: every file and what it became, then every problem, errors first. */
export function formatAdoptReport(
  result: { from: string; out: string; entries: AdoptEntry[]; problems: AdoptProblem[] },
  format: 'text' | 'markdown',
): string {
  const became = (e: AdoptEntry) => {
    const d = e.disposition;
    if (d.kind === 'migration') return `migration ${d.version} → ${d.target}`;
    if (d.kind === 'down') return `down of ${d.reverses} → ${d.target}`;
    if (d.kind === 'aside') return `set aside (${d.reason}) → ${d.target}`;
    return `not copied (${d.reason})`;
  };
  const order = { error: 0, warning: 1, info: 2 } as const;
  const problems = [...result.problems].sort(
    (a, b) => order[a.severity] - order[b.severity] || a.file.localeCompare(b.file),
  );
  const problemLine = (p: AdoptProblem) =>
    `${p.severity.toUpperCase()} ${p.file}${p.line ? `:${p.line}` : ''} [${p.code}] ${p.message}${p.decideWith ? ` — decide with: ${p.decideWith}` : ''}`;
  const files = [...result.entries].sort((a, b) => a.file.localeCompare(b.file));
  if (format === 'markdown') {
    return [
      `# Adoption report`,
      '',
      `From \`${result.from}\` to \`${result.out}\`.`,
      '',
      '| legacy file | became |',
      '| --- | --- |',
      ...files.map((e) => `| \`${e.file}\` | ${became(e).replace(/\|/g, '\\|')} |`),
      '',
      `## Problems (${problems.length})`,
      '',
      ...problems.map((p) => `- ${problemLine(p).replace(/\|/g, '\\|')}`),
      '',
    ].join('\n');
  }
  const width = Math.max(...files.map((e) => e.file.length), 10);
  return [
    `Adopted ${result.from} → ${result.out}`,
    '',
    ...files.map((e) => `  ${e.file.padEnd(width)}  ${became(e)}`),
    '',
    problems.length === 0 ? 'No problems found.' : `${problems.length} problem(s):`,
    ...problems.map((p) => `  ${problemLine(p)}`),
  ].join('\n');
}
