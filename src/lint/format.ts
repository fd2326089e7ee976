import type { LintFinding, Severity } from './types.js';

/**
 * `file:line:col  severity  rule  message`, with the hint indented below: one block per finding. `paint`
 * colours the severity (the CLI passes one on a terminal; logs and pipes stay plain).
 */
export function formatText(
  findings: readonly LintFinding[],
  paint: (severity: Severity, text: string) => string = (_severity, text) => text,
): string {
  return findings
    .map(
      (f) =>
        `${f.file}:${f.line}:${f.column}  ${paint(f.severity, f.severity)}  ${f.rule}  ${f.message}\n    ${f.hint}`,
    )
    .join('\n');
}

/**
 * GitHub Actions workflow commands, one per line, which GitHub shows as annotations on the pull request diff.
 * The hint follows the message on a second line of the annotation.
 */
export function formatGithub(
  findings: readonly LintFinding[],
  /** The path GitHub knows the file by (from the repository's root), given its name in the migrations folder. */
  pathOf: (file: string) => string = (file) => file,
): string {
  return findings
    .map((f) => {
      const properties = `file=${escapeProperty(pathOf(f.file))},line=${f.line},col=${f.column},title=${escapeProperty(f.rule)}`;
      return `::${f.severity} ${properties}::${escapeData(`${f.message}\n${f.hint}`)}`;
    })
    .join('\n');
}

/** The findings as a plain JSON array, for other tools. */
export function formatJson(findings: readonly LintFinding[]): string {
  return JSON.stringify(findings, null, 2);
}

/** GitHub's escaping for a command's message: without it a newline would end the command. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Properties are also split on `,` and end at `::`, so those are escaped too. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
