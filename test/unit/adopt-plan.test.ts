import { beforeAll, describe, expect, it } from 'vitest';
import { planAdoption } from '../../src/adopt/analyze.js';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';
import { scriptEffects, statementEffects } from '../../src/sql/objects.js';

beforeAll(ensureParser);

describe('object effects (parser)', () => {
  it('lists what statements create and drop, and which are not idempotent', () => {
    const statements = parseStatements(
      [
        'CREATE TABLE IF NOT EXISTS platform.projects (id int, name text);',
        'ALTER TABLE platform.projects ADD COLUMN tags text[];',
        'CREATE INDEX projects_tags_idx ON platform.projects USING gin (tags);',
        'CREATE POLICY p_read ON platform.projects FOR SELECT USING (true);',
        'ALTER TABLE platform.projects ENABLE ROW LEVEL SECURITY;',
        'CREATE OR REPLACE FUNCTION platform.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
        'CREATE TABLE scratch (id int);',
        'DROP TABLE scratch;',
      ].join('\n'),
      'x.sql',
    );
    expect(scriptEffects(statements).creates.map((o) => o.key)).toEqual([
      'table platform.projects',
      'column platform.projects.id',
      'column platform.projects.name',
      'column platform.projects.tags',
      'index platform.projects_tags_idx',
      'policy platform.projects.p_read',
      'rls platform.projects',
      'function platform.touch',
    ]);
    expect(statements.map((s) => statementEffects(s).notIdempotent ?? null)).toEqual([
      null,
      'ADD COLUMN without IF NOT EXISTS',
      'CREATE INDEX without IF NOT EXISTS',
      expect.stringContaining('CREATE POLICY'),
      null,
      null,
      'CREATE TABLE without IF NOT EXISTS',
      null,
    ]);
  });
});

const legacy = [
  { name: '001_schema.sql', content: 'CREATE SCHEMA IF NOT EXISTS platform;' },
  {
    name: '002_projects.sql',
    content:
      'BEGIN;\nCREATE TABLE platform.projects (id int);\nCOMMIT;\nCREATE INDEX projects_id_idx ON platform.projects (id);',
  },
  {
    name: '006_enable_rls.sql',
    content:
      'ALTER TABLE platform.projects ENABLE ROW LEVEL SECURITY;\nCREATE POLICY a ON platform.projects USING (true);\nCREATE POLICY b ON platform.projects USING (true);',
  },
  {
    name: '006_enable_rls_IMPROVED.sql',
    content: 'DROP POLICY IF EXISTS c ON platform.projects;\nCREATE POLICY c ON platform.projects USING (true);',
  },
  {
    name: '006_add_audit_log.sql',
    content: 'CREATE TABLE IF NOT EXISTS platform.audit_log (id bigserial PRIMARY KEY);',
  },
  { name: '006_rollback.sql', content: 'DROP POLICY IF EXISTS a ON platform.projects;' },
  { name: 'rollback-006.sql', content: 'DROP TABLE IF EXISTS platform.audit_log;' },
  { name: '007_seed_production_plans.sql', content: 'INSERT INTO platform.projects VALUES (1);' },
  { name: '008_rollback.sql', content: 'DROP TABLE platform.nothing_here;' },
  { name: '009_drop_legacy.sql', content: '-- DO NOT APPLY YET\nALTER TABLE platform.projects DROP COLUMN id;' },
  { name: 'test_rls.sql', content: '\\set ON_ERROR_STOP on\n\\echo checking\nSELECT 1;' },
  { name: '005_typo.sql', content: 'ALTER TABLE platform.projects ADD COLUMN x int NOT NUL;' },
  { name: 'run.sh', content: 'psql postgresql://postgres:s3cr3t@postgres.railway.internal:5432/railway -f x.sql' },
];

describe('planAdoption', () => {
  let plan: ReturnType<typeof planAdoption>;
  beforeAll(() => {
    plan = planAdoption(legacy);
  });
  const entry = (file: string) => plan.entries.find((e) => e.file === file)!.disposition;
  const problems = (file: string) => plan.problems.filter((p) => p.file.includes(file)).map((p) => p.code);

  it('accounts for every file', () => {
    expect(plan.entries.map((e) => e.file).sort()).toEqual(legacy.map((f) => f.name).sort());
  });

  it('gives duplicate versions unique ones in name order and normalises names', () => {
    expect(entry('006_add_audit_log.sql')).toMatchObject({
      kind: 'migration',
      version: '006',
      target: '006_add_audit_log.sql',
    });
    expect(entry('006_enable_rls.sql')).toMatchObject({ version: '006.1', target: '006.1_enable_rls.sql' });
    expect(entry('006_enable_rls_IMPROVED.sql')).toMatchObject({
      version: '006.2',
      target: '006.2_enable_rls_improved.sql',
    });
    expect(plan.problems.find((p) => p.code === 'duplicate-version')).toMatchObject({
      decideWith: expect.stringContaining('--renumber'),
    });
    const renumbered = planAdoption(legacy, { renumber: true });
    const versions = renumbered.entries
      .filter((e) => e.disposition.kind === 'migration')
      .map((e) => (e.disposition as { version: string }).version);
    expect(versions.sort()).toEqual(['001', '002', '003', '004', '005', '006']);
  });

  it('pairs rollbacks by what they drop, and reports partial ones', () => {
    expect(entry('rollback-006.sql')).toMatchObject({
      kind: 'down',
      reverses: '006_add_audit_log.sql',
      target: '006_add_audit_log.down.sql',
    });
    expect(entry('006_rollback.sql')).toMatchObject({
      kind: 'down',
      reverses: '006_enable_rls.sql',
      target: '006.1_enable_rls.down.sql',
    });
    const partial = plan.problems.find((p) => p.code === 'incomplete-rollback');
    expect(partial?.message).toContain('leaves rls platform.projects, policy platform.projects.b');
    expect(entry('008_rollback.sql')).toMatchObject({ kind: 'aside' });
    expect(plan.problems.find((p) => p.file === '008_rollback.sql')).toMatchObject({
      code: 'unpaired-rollback',
      decideWith: '--pair 008_rollback.sql=<up file>',
    });
  });

  it('moves non-migrations aside with a reason and flags what a human must decide', () => {
    expect(entry('test_rls.sql')).toMatchObject({ kind: 'aside', reason: expect.stringContaining('psql') });
    expect(entry('009_drop_legacy.sql')).toMatchObject({ kind: 'aside', reason: 'marked DO NOT APPLY' });
    expect(
      planAdoption(legacy, { include: ['009_drop_legacy.sql'] }).entries.find((e) => e.file === '009_drop_legacy.sql')!
        .disposition.kind,
    ).toBe('migration');
    expect(entry('005_typo.sql')).toMatchObject({ kind: 'aside', reason: 'does not parse' });
    expect(plan.problems.find((p) => p.file === '005_typo.sql')).toMatchObject({ code: 'syntax-error', line: 1 });
    expect(problems('007_seed')).toContain('data-seed');
    expect(entry('run.sh')).toMatchObject({ kind: 'not-copied' });
    const secret = plan.problems.find((p) => p.code === 'secret')!;
    expect(secret.message).toContain('postgresql://postgres:****@');
    expect(secret.message).not.toContain('s3cr3t');
  });

  it('comments out a plain BEGIN/COMMIT pair, keeping statements after COMMIT inside the transaction', () => {
    const content = plan.entries.find((e) => e.file === '002_projects.sql')!.content!;
    expect(content.split('\n')).toHaveLength(4);
    expect(content).toMatch(/^\/\* BEGIN; removed by ogel-migrate adopt/);
    expect(parseStatements(content, 'x').map((s) => s.kind)).toEqual(['CreateStmt', 'IndexStmt']);
    expect(
      plan.problems.find((p) => p.file === '002_projects.sql' && p.code === 'transaction-control')?.message,
    ).toContain('the 1 statement(s) after its COMMIT now run inside that transaction too');
  });

  it('flags non-idempotent statements but not guarded policies', () => {
    expect(problems('006_enable_rls.sql')).toContain('not-idempotent');
    expect(
      plan.problems.filter((p) => p.file === '006_enable_rls_IMPROVED.sql' && p.code === 'not-idempotent'),
    ).toEqual([]);
  });
});
