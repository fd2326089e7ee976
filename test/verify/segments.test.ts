import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { MIN_SEGMENT, planSegments } from '../../src/verify/verify.js';
import { createTestDatabase, withAdmin } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { runCliProcess } from '../harness/cli.js';

describe('planSegments', () => {
  it('covers every migration once, in order, and gives later segments (which replay a prefix) less to test', () => {
    for (const [count, jobs] of [
      [200, 2],
      [200, 3],
      [40, 2],
      [1000, 8],
      [33, 2],
    ] as const) {
      const segments = planSegments(count, jobs);
      expect(segments[0]!.start).toBe(0);
      expect(segments.at(-1)!.end).toBe(count);
      for (let i = 1; i < segments.length; i++) expect(segments[i]!.start).toBe(segments[i - 1]!.end);
      expect(segments.length).toBeLessThanOrEqual(jobs);
      for (const s of segments) expect(s.end - s.start).toBeGreaterThan(0);
      if (segments.length > 1)
        expect(segments[0]!.end - segments[0]!.start).toBeGreaterThan(segments.at(-1)!.end - segments.at(-1)!.start);
    }
    expect(planSegments(200, 2)).toHaveLength(2);
    // Too few migrations to be worth a second database.
    expect(planSegments(2 * MIN_SEGMENT - 1, 4)).toEqual([{ start: 0, end: 2 * MIN_SEGMENT - 1 }]);
    expect(planSegments(500, 1)).toEqual([{ start: 0, end: 500 }]);
  });
});

describe('verify in parallel segments', () => {
  it('reports exactly what one connection reports, in order, and drops every scratch database', async () => {
    const files: Record<string, string> = {};
    const count = 3 * MIN_SEGMENT;
    for (let i = 1; i <= count; i++) {
      const v = String(i).padStart(3, '0');
      files[`${v}_t${i}.sql`] =
        `CREATE TABLE t${i} (id int PRIMARY KEY, note text);\nCREATE INDEX t${i}_note_idx ON t${i} (note);`;
      files[`${v}_t${i}.down.sql`] = `DROP TABLE t${i};`;
    }
    // Early: a down that leaves an index behind (the set goes on). Late, in another segment: a down that
    // fails, after which nothing more can be trusted, whatever segment tested it.
    files['005_t5.down.sql'] =
      'DROP INDEX t5_note_idx;\nALTER TABLE t5 RENAME TO t5_old;\nALTER TABLE t5_old RENAME TO t5;\nDROP TABLE t5;\nCREATE INDEX t4_extra_idx ON t4 (note);';
    files[`${String(count - 8).padStart(3, '0')}_t${count - 8}.down.sql`] = 'DROP TABLE no_such_table;';
    const dir = await writeMigrations(files);
    const db = await createTestDatabase();
    const run = async (jobs: number) => {
      const progress: number[] = [];
      const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify({
        jobs,
        onProgress: (_r, index) => progress.push(index),
      });
      expect(progress).toEqual([...Array(count).keys()]);
      return report.results.map(({ durationMs: _d, ...rest }) => rest);
    };
    const sequential = await run(1);
    const parallel = await run(3);
    expect(parallel).toEqual(sequential);
    const outcomes = sequential.map((r) => r.outcome);
    expect(outcomes[4]).toBe('down-does-not-restore');
    expect(sequential[4]!.differences.join('\n')).toContain('t4_extra_idx');
    expect(outcomes[count - 9]).toBe('down-failed');
    expect(outcomes.slice(count - 8).every((o) => o === 'not-run')).toBe(true);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(count - 10);
    const left = await withAdmin(
      async (c) => (await c.query("SELECT datname FROM pg_database WHERE datname LIKE 'ogel_verify%'")).rows,
    );
    expect(left).toEqual([]);
  });

  it('CLI: --jobs must be a whole number of at least 1 (usage error, exit 2, nothing created)', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);', '001_a.down.sql': 'DROP TABLE a;' });
    const db = await createTestDatabase();
    for (const bad of ['0', 'two', '-1']) {
      const result = await runCliProcess(['verify', '--jobs', bad, '--dir', dir, '--database-url', db.url]);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toContain(`--jobs must be an integer ≥ 1 (got "${bad}")`);
    }
    const left = await withAdmin(
      async (c) => (await c.query("SELECT datname FROM pg_database WHERE datname LIKE 'ogel_verify%'")).rows,
    );
    expect(left).toEqual([]);
  });
});
