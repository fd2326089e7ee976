/**
 * Directives are SQL comments, so a file stays valid SQL for psql and other tools (as in dbmate's
 * `-- migrate:up transaction:false`). `-- ogel:no-transaction` counts only among the file's first comment
 * lines, where a reviewer sees it; `-- ogel:lint-ignore RULE reason` may stand anywhere.
 */
export interface Directives {
  noTransaction: boolean;
  lintIgnores: Array<{ rule: string; reason: string; line: number }>;
}

export function readDirectives(sql: string): Directives {
  const lines = sql.split('\n');
  let noTransaction = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    if (/^--\s*ogel:no-transaction\b/.test(trimmed)) noTransaction = true;
  }
  const lintIgnores: Directives['lintIgnores'] = [];
  lines.forEach((line, index) => {
    const match = /--\s*ogel:lint-ignore\s+([a-z0-9-]+)\s*(.*)$/.exec(line);
    if (match) lintIgnores.push({ rule: match[1]!, reason: match[2]!.trim(), line: index + 1 });
  });
  return { noTransaction, lintIgnores };
}
