import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/table.js';
import { formatVerify } from '../../src/cli/commands/verify.js';
import { severityPainter, type Output } from '../../src/cli/output.js';
import type { CliContext } from '../../src/cli/context.js';
import { formatText } from '../../src/lint/format.js';
import type { VerifyReport } from '../../src/verify/verify.js';

const terminal: Output = { out: () => {}, err: () => {}, isTTY: true };
const pipe: Output = { ...terminal, isTTY: false };
const strip = (text: string) => text.replace(/\u001b\[\d+m/g, '');

describe('CLI output', () => {
  it('tables align every column by its widest cell, colour or not', () => {
    const lines = formatTable(
      [
        ['001_a', 'applied'],
        ['002_a_much_longer_name', 'partial'],
      ],
      {
        header: ['MIGRATION', 'STATE'],
        indent: '  ',
        paint: (_r, c, cell) => (c === 1 ? `\u001b[31m${cell}\u001b[0m` : cell),
      },
    );
    const columns = lines.map((line) => strip(line).search(/applied|partial|STATE/));
    expect(new Set(columns).size).toBe(1);
    expect(lines[0]).toBe('  MIGRATION               STATE');
  });

  it('verify prints its outcomes in one column with durations', () => {
    const report: VerifyReport = {
      ok: false,
      scratch: 'database x',
      from: null,
      durationMs: 12,
      results: [
        { version: '001', name: 'a', outcome: 'ok', differences: [], durationMs: 3 },
        {
          version: '002',
          name: 'create_projects_table',
          outcome: 'down-does-not-restore',
          differences: ['table public.b still exists'],
          durationMs: 9,
        },
      ],
    };
    const text = strip(formatVerify({ output: terminal } as CliContext, report));
    const [first, second] = text
      .split('\n')
      .slice(1, 4)
      .filter((l) => /^\s{2}\d/.test(l));
    expect(first!.indexOf('ok')).toBe(second!.indexOf('down-does-not-restore'));
    expect(text).toContain('      table public.b still exists');
  });

  it('lint findings are coloured on a terminal and plain in a pipe', () => {
    const finding = {
      rule: 'r',
      severity: 'error' as const,
      file: 'f.sql',
      line: 1,
      column: 2,
      message: 'm',
      hint: 'h',
    };
    expect(formatText([finding], severityPainter(terminal))).toContain('\u001b[31merror\u001b[0m');
    expect(formatText([finding], severityPainter(pipe))).toBe('f.sql:1:2  error  r  m\n    h');
  });
});
