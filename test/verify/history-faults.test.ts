import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import type { SchemaDifference } from '../../src/schema/diff.js';
import { describeDifference } from '../../src/verify/wording.js';
import { createTestDatabase } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

// What real public histories showed verify doing wrong (issue #17).
describe('verify on what real histories contain', () => {
  it('a down that does not parse fails its own migration only: the rest is tested', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '001_a.down.sql': 'DROP TABLE a;',
      '002_b.sql': 'CREATE TABLE b (id int PRIMARY KEY);',
      '002_b.down.sql': 'DROPP TABLE b;',
      '003_c.sql': 'CREATE TABLE c (id int REFERENCES b (id));',
      '003_c.down.sql': 'DROP TABLE c;',
      '004_d.sql': 'CREATE TABLE d (id int);',
      '004_d.down.sql': 'SELECT 1;',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify({ jobs: 1 });
    expect(report.results.map((r) => [r.version, r.outcome])).toEqual([
      ['001', 'ok'],
      ['002', 'down-failed'],
      ['003', 'ok'],
      ['004', 'down-does-not-restore'],
    ]);
    expect(report.results[1]!.error).toMatch(
      /^the down does not parse: 002_b\.down\.sql:1:1: syntax error at or near "DROPP"/,
    );
    expect(report.ok).toBe(false);
  });

  it('a down that re-adds a dropped column at the end is reported: the column order changed', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_t.sql': 'CREATE TABLE t (a int, b int, c int);',
      '001_t.down.sql': 'DROP TABLE t;',
      '002_drop_b.sql': 'ALTER TABLE t DROP COLUMN b;',
      '002_drop_b.down.sql': 'ALTER TABLE t ADD COLUMN b int;',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.ok).toBe(false);
    expect(report.results[1]).toMatchObject({
      outcome: 'down-does-not-restore',
      differences: expect.arrayContaining([
        expect.stringMatching(
          /^column public\.t\.b is column 3 of its table after the down, was column 2 before the up/,
        ),
      ]),
    });
  });
});

describe("verify's wording of a changed long definition", () => {
  const body = (middle: string) =>
    `SELECT ${Array.from({ length: 30 }, (_, i) => `t.column_${i}`).join(', ')}, ${middle} AS flag FROM t WHERE t.active ORDER BY t.column_1`;
  const difference: SchemaDifference = {
    kind: 'changed',
    objectType: 'view',
    identity: 'view public.v',
    attribute: 'definition',
    before: body('t.enabled'),
    after: body('NOT t.enabled'),
    severity: 'error',
    message: '',
  };

  it('shows where the two differ, not two identical beginnings', () => {
    const message = describeDifference(difference, 'down');
    const [after, before] = /definition is (.*) after the down, was (.*) before the up$/.exec(message)!.slice(1);
    expect(after).not.toBe(before);
    expect(after).toContain('NOT t.enabled AS flag');
    expect(before).toContain(', t.enabled AS flag');
    expect(after!.startsWith('...')).toBe(true);
    expect(after!.length).toBeLessThanOrEqual(166);
  });

  it('keeps short values whole', () => {
    const short = { ...difference, before: 'SELECT 1', after: 'SELECT 2' };
    expect(describeDifference(short, 'drift')).toBe(
      'view public.v: definition is SELECT 2 in the database, SELECT 1 per the migrations',
    );
  });
});
