import { describe, expect, it } from 'vitest';
import { ciSummaryMarkdown, type CiReport } from '../../src/ci/checks.js';

describe('ci step summary', () => {
  it('keeps each table row on one line: line breaks become <br>, pipes are escaped', () => {
    const report = {
      ok: false,
      validate: { ok: true, migrations: 1, problems: [] },
      lint: null,
      verify: {
        ok: false,
        scratch: 'scratch',
        from: null,
        durationMs: 5,
        results: [
          {
            version: '004',
            name: 'risky',
            outcome: 'up-failed',
            differences: [],
            error:
              '004_risky.sql:3:1: column "a|b" does not exist\n  statement 3 of 4 (line 3): ALTER TABLE t DROP COLUMN x',
            durationMs: 1,
          },
        ],
      },
    } as unknown as CiReport;
    const markdown = ciSummaryMarkdown(report);
    const row = markdown.split('\n').find((l) => l.startsWith('| 004_risky'));
    expect(row).toBe(
      '| 004_risky | up-failed | 004_risky.sql:3:1: column "a\\|b" does not exist<br>  statement 3 of 4 (line 3): ALTER TABLE t DROP COLUMN x |',
    );
  });
});
