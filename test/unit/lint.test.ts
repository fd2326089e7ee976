import { beforeAll, describe, expect, it } from 'vitest';
import { readDirectives } from '../../src/core/directives.js';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';
import {
  formatGithub,
  formatJson,
  formatText,
  isDestructive,
  lintMigration,
  lintMigrations,
  RULES,
  type LintFinding,
  type LintInput,
} from '../../src/lint/index.js';
import { lintTargets } from '../../src/runner/lint-migrations.js';

beforeAll(ensureParser);

interface Options {
  file?: string;
  hasDown?: boolean;
  modified?: boolean;
  created?: string[];
  disabledRules?: string[];
  serverVersionNum?: number;
}

function input(sql: string, options: Options = {}): LintInput {
  const file = options.file ?? '20260101000000_test.sql';
  return {
    file,
    sql,
    statements: parseStatements(sql, file),
    hasDown: options.hasDown ?? true,
    modified: options.modified ?? false,
    noTransaction: readDirectives(sql).noTransaction,
  };
}

function lint(sql: string, options: Options = {}): LintFinding[] {
  return lintMigration(
    input(sql, options),
    {
      createdTables: new Set(options.created ?? []),
      ...(options.serverVersionNum ? { serverVersionNum: options.serverVersionNum } : {}),
    },
    { disabledRules: options.disabledRules ?? [] },
  );
}

const ruleIds = (sql: string, options?: Options) => lint(sql, options).map((f) => f.rule);
const only = (rule: string, sql: string, options?: Options) => lint(sql, options).filter((f) => f.rule === rule);
const NO_TX = '-- ogel:no-transaction\n';

/** [rule, SQL that must trigger it, SQL written the safe way that must not]. */
const CASES: Array<[string, string, string]> = [
  [
    'require-concurrent-index',
    'CREATE INDEX i ON t (a);',
    `${NO_TX}CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);`,
  ],
  ['require-concurrent-index-deletion', 'DROP INDEX i;', `${NO_TX}DROP INDEX CONCURRENTLY IF EXISTS i;`],
  [
    'adding-required-field',
    'ALTER TABLE t ADD COLUMN a int NOT NULL;',
    'ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0;',
  ],
  [
    'adding-field-with-volatile-default',
    'ALTER TABLE t ADD COLUMN a float8 DEFAULT random();',
    'ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now();',
  ],
  [
    'changing-column-type',
    'ALTER TABLE t ALTER COLUMN a TYPE bigint;',
    'ALTER TABLE t ALTER COLUMN a SET STATISTICS 500;',
  ],
  [
    'set-not-null-without-check',
    'ALTER TABLE t ALTER COLUMN a SET NOT NULL;',
    `${NO_TX}ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT a_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;`,
  ],
  [
    'constraint-missing-not-valid',
    'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id);',
    'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;',
  ],
  [
    'disallowed-unique-constraint',
    'ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);',
    'ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u_idx;',
  ],
  ['ban-drop-table', 'DROP TABLE t;', 'DROP VIEW v;'],
  ['ban-drop-column', 'ALTER TABLE t DROP COLUMN a;', 'ALTER TABLE t ADD COLUMN b text;'],
  ['ban-drop-schema', 'DROP SCHEMA s;', 'CREATE SCHEMA IF NOT EXISTS s;'],
  ['ban-drop-database', 'DROP DATABASE d;', 'SELECT 1;'],
  ['ban-truncate', 'TRUNCATE t;', 'DELETE FROM t WHERE id < 100;'],
  ['delete-without-where', 'DELETE FROM t;', 'DELETE FROM t WHERE id = 1;'],
  ['update-without-where', 'UPDATE t SET a = 1;', 'UPDATE t SET a = 1 WHERE id = 1;'],
  ['renaming-table', 'ALTER TABLE t RENAME TO t2;', 'ALTER INDEX i RENAME TO i2;'],
  ['renaming-column', 'ALTER TABLE t RENAME COLUMN a TO b;', 'ALTER TABLE t RENAME CONSTRAINT c TO d;'],
  [
    'transaction-nesting',
    'BEGIN;\nCREATE TABLE x (id bigint);\nCOMMIT;',
    `${NO_TX}BEGIN;\nCREATE TABLE x (id bigint);\nCOMMIT;`,
  ],
  [
    'ban-concurrent-index-creation-in-transaction',
    `${NO_TX}BEGIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\nCOMMIT;`,
    `${NO_TX}CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);`,
  ],
  [
    'mixed-transaction-mode',
    `${NO_TX}ALTER TABLE t ADD COLUMN b text;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);`,
    `${NO_TX}SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);`,
  ],
  ['prefer-robust-stmts', `${NO_TX}CREATE INDEX CONCURRENTLY i ON t (a);`, 'CREATE TABLE x (id bigint);'],
  [
    'prefer-bigint-over-int',
    'CREATE TABLE x (id int PRIMARY KEY);',
    'CREATE TABLE x (id bigint PRIMARY KEY, hits int);',
  ],
  [
    'prefer-identity',
    'CREATE TABLE x (id bigserial PRIMARY KEY);',
    'CREATE TABLE x (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
  ],
  ['ban-char-field', 'CREATE TABLE x (code char(2));', 'CREATE TABLE x (code text);'],
  ['prefer-text-field', 'CREATE TABLE x (name varchar(100));', 'CREATE TABLE x (name varchar, other text);'],
  ['prefer-timestamptz', 'CREATE TABLE x (at timestamp);', 'CREATE TABLE x (at timestamptz);'],
];

describe('each rule', () => {
  it.each(CASES)('%s: flags the risky form and accepts the safe one', (rule, bad, good) => {
    expect(ruleIds(bad)).toContain(rule);
    expect(ruleIds(good)).not.toContain(rule);
  });

  it('has a case here for every statement rule it registers', () => {
    const covered = new Set([
      ...CASES.map(([rule]) => rule),
      'missing-down',
      'modified-applied-migration',
      'lint-ignore-without-reason',
      'lint-ignore-unknown-rule',
    ]);
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('missing-down follows hasDown', () => {
    expect(only('missing-down', 'SELECT 1;', { hasDown: false })).toMatchObject([
      { severity: 'warning', line: 1, column: 1 },
    ]);
    expect(only('missing-down', 'SELECT 1;', { hasDown: true })).toEqual([]);
  });

  it('missing-down: an empty down file is a down (nothing to undo), an absent one is not', () => {
    const migration = (downSql?: string) => ({
      version: '001',
      name: 'ext',
      file: '001_ext.sql',
      upSql: 'CREATE EXTENSION IF NOT EXISTS pgcrypto;',
      checksum: 'sha256:0',
      ...(downSql === undefined ? {} : { downFile: '001_ext.down.sql', downSql, downChecksum: 'sha256:1' }),
    });
    const rules = (downSql?: string) =>
      lintTargets([{ migration: migration(downSql), modified: false }]).findings.map((f) => f.rule);
    expect(rules('')).not.toContain('missing-down');
    expect(rules('-- nothing to undo\n')).not.toContain('missing-down');
    expect(rules(undefined)).toContain('missing-down');
  });

  it('modified-applied-migration follows modified', () => {
    expect(only('modified-applied-migration', 'SELECT 1;', { modified: true })).toMatchObject([{ severity: 'error' }]);
    expect(only('modified-applied-migration', 'SELECT 1;', { modified: false })).toEqual([]);
  });
});

describe('rule details', () => {
  it('severities: errors for locks and data loss, warnings for style', () => {
    const severity = (id: string) => RULES.find((r) => r.id === id)?.severity;
    for (const id of [
      'require-concurrent-index',
      'ban-drop-table',
      'ban-drop-column',
      'ban-drop-schema',
      'ban-truncate',
      'changing-column-type',
      'transaction-nesting',
    ]) {
      expect(severity(id), id).toBe('error');
    }
    for (const id of [
      'delete-without-where',
      'update-without-where',
      'prefer-text-field',
      'prefer-timestamptz',
      'prefer-robust-stmts',
      'missing-down',
    ]) {
      expect(severity(id), id).toBe('warning');
    }
  });

  it('volatile defaults: known volatile functions anywhere in the expression; stable ones pass', () => {
    for (const fn of ['random()', 'clock_timestamp()', 'gen_random_uuid()::text', "nextval('s')"]) {
      expect(
        only('adding-field-with-volatile-default', `ALTER TABLE t ADD COLUMN a text DEFAULT ${fn};`),
        fn,
      ).toHaveLength(1);
    }
    for (const fn of ['now()', 'CURRENT_TIMESTAMP', "'x'", '0', "jsonb_build_object('a', 1)"]) {
      expect(only('adding-field-with-volatile-default', `ALTER TABLE t ADD COLUMN a text DEFAULT ${fn};`), fn).toEqual(
        [],
      );
    }
  });

  it('volatile defaults: an unknown function is a warning, identity/serial/stored columns are errors, any default before PG 11', () => {
    expect(only('adding-field-with-volatile-default', 'ALTER TABLE t ADD COLUMN a int DEFAULT my_fn();')).toMatchObject(
      [{ severity: 'warning' }],
    );
    expect(
      only('adding-field-with-volatile-default', 'ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;'),
    ).toMatchObject([{ severity: 'error' }]);
    expect(only('adding-field-with-volatile-default', 'ALTER TABLE t ADD COLUMN id bigserial;')).toHaveLength(1);
    expect(
      only('adding-field-with-volatile-default', 'ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2) STORED;'),
    ).toHaveLength(1);
    expect(
      only('adding-field-with-volatile-default', 'ALTER TABLE t ADD COLUMN a int DEFAULT 0;', {
        serverVersionNum: 100000,
      }),
    ).toHaveLength(1);
    expect(
      only('adding-field-with-volatile-default', 'ALTER TABLE t ADD COLUMN a int DEFAULT NULL;', {
        serverVersionNum: 100000,
      }),
    ).toEqual([]);
  });

  it('adding-required-field accepts NOT NULL columns the server can fill', () => {
    expect(
      only('adding-required-field', 'ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;'),
    ).toEqual([]);
    expect(only('adding-required-field', 'ALTER TABLE t ADD COLUMN a int PRIMARY KEY;')).toHaveLength(1);
  });

  it('set-not-null-without-check: a NOT VALID check that is never validated does not count', () => {
    const sql = `${NO_TX}ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;`;
    expect(only('set-not-null-without-check', sql)).toMatchObject([{ line: 3 }]);
    // A check on another column proves nothing about this one.
    const other = `${NO_TX}ALTER TABLE t ADD CONSTRAINT b_nn CHECK (b IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT b_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;`;
    expect(only('set-not-null-without-check', other)).toHaveLength(1);
  });

  it('set-not-null-without-check: a check validated by an earlier pending migration counts', () => {
    const first = input(
      `${NO_TX}ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT a_nn;`,
      { file: '001_check.sql' },
    );
    const second = input('ALTER TABLE t ALTER COLUMN a SET NOT NULL;', { file: '002_set.sql' });
    expect(lintMigrations([first, second]).filter((f) => f.rule === 'set-not-null-without-check')).toEqual([]);
    expect(lintMigrations([second]).filter((f) => f.rule === 'set-not-null-without-check')).toHaveLength(1);
  });

  it('constraint-missing-not-valid: CHECK too, and VALIDATE in the same transaction as the NOT VALID add', () => {
    expect(only('constraint-missing-not-valid', 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);')).toHaveLength(1);
    expect(only('constraint-missing-not-valid', 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;')).toEqual([]);
    const sameTx = 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;';
    expect(only('constraint-missing-not-valid', sameTx)).toMatchObject([
      { line: 2, message: expect.stringMatching(/same transaction/) },
    ]);
    expect(only('constraint-missing-not-valid', NO_TX + sameTx)).toEqual([]);
    expect(only('constraint-missing-not-valid', 'ALTER TABLE t VALIDATE CONSTRAINT c;')).toEqual([]);
  });

  it('constraint-missing-not-valid: no VALIDATE finding on a table the pending set creates (empty, unseen)', () => {
    const sameTx = 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;';
    expect(only('constraint-missing-not-valid', `CREATE TABLE t (a int);\n${sameTx}`)).toEqual([]);
    expect(only('constraint-missing-not-valid', sameTx, { created: ['t'] })).toEqual([]);
    const first = input('CREATE TABLE t (a int);', { file: '001_t.sql' });
    const second = input(sameTx, { file: '002_check.sql' });
    expect(lintMigrations([first, second]).filter((f) => f.rule === 'constraint-missing-not-valid')).toEqual([]);
    expect(lintMigrations([second]).filter((f) => f.rule === 'constraint-missing-not-valid')).toHaveLength(1);
  });

  it('require-concurrent-index-deletion: not for an index the pending set built on a table it creates', () => {
    const rule = 'require-concurrent-index-deletion';
    expect(only(rule, 'CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;')).toEqual([]);
    // An index built on an existing table, or one named elsewhere in the DROP, still locks a live table.
    expect(only(rule, 'CREATE INDEX t_a ON t (a);\nDROP INDEX t_a;')).toHaveLength(1);
    expect(only(rule, 'CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a, other;')).toHaveLength(1);
    const create = input('CREATE TABLE s.t (a int);\nCREATE INDEX t_a ON s.t (a);', { file: '001_t.sql' });
    const drop = input('DROP INDEX s.t_a;', { file: '002_drop.sql' });
    expect(lintMigrations([create, drop]).filter((f) => f.rule === rule)).toEqual([]);
    expect(lintMigrations([drop]).filter((f) => f.rule === rule)).toHaveLength(1);
    const plain = input('DROP INDEX t_a;', { file: '002_drop.sql' });
    expect(lintMigrations([create, plain]).filter((f) => f.rule === rule)).toHaveLength(1);
  });

  it('disallowed-unique-constraint also covers PRIMARY KEY and inline UNIQUE on an added column', () => {
    expect(only('disallowed-unique-constraint', 'ALTER TABLE t ADD PRIMARY KEY (id);')).toHaveLength(1);
    expect(
      only('disallowed-unique-constraint', 'ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX pk_idx;'),
    ).toEqual([]);
    expect(only('disallowed-unique-constraint', 'ALTER TABLE t ADD COLUMN code text UNIQUE;')).toHaveLength(1);
  });

  it('mixed-transaction-mode fires without the directive too, and ignores statements in an explicit block', () => {
    expect(
      only('mixed-transaction-mode', 'CREATE TABLE x (id bigint);\nCREATE INDEX CONCURRENTLY i ON t (a);'),
    ).toMatchObject([{ line: 2 }]);
    expect(
      only(
        'mixed-transaction-mode',
        `${NO_TX}BEGIN;\nCREATE TABLE x (id bigint);\nCOMMIT;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);`,
      ),
    ).toEqual([]);
  });

  it('transaction-nesting: a nested BEGIN in a no-transaction file', () => {
    expect(only('transaction-nesting', `${NO_TX}BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;`)).toMatchObject([{ line: 3 }]);
    expect(only('transaction-nesting', 'SAVEPOINT a;\nSELECT 1;\nRELEASE SAVEPOINT a;')).toEqual([]);
  });

  it('prefer-robust-stmts only matters outside a transaction', () => {
    expect(only('prefer-robust-stmts', `${NO_TX}CREATE TABLE x (id bigint);`)).toHaveLength(1);
    expect(only('prefer-robust-stmts', `${NO_TX}CREATE TABLE IF NOT EXISTS x (id bigint);`)).toEqual([]);
    expect(only('prefer-robust-stmts', `${NO_TX}CREATE INDEX CONCURRENTLY i ON t (a);`)[0]!.hint).toMatch(
      /INVALID index/,
    );
  });

  it('column type rules also check ADD COLUMN and ALTER COLUMN TYPE', () => {
    expect(only('prefer-timestamptz', 'ALTER TABLE t ADD COLUMN at timestamp;')).toHaveLength(1);
    expect(only('prefer-text-field', 'ALTER TABLE t ALTER COLUMN name TYPE varchar(20);')).toHaveLength(1);
    expect(only('prefer-bigint-over-int', 'CREATE TABLE x (id int, PRIMARY KEY (id));')).toHaveLength(1);
    expect(only('prefer-bigint-over-int', 'CREATE TABLE x (id smallserial);')[0]!.message).toMatch(/16-bit/);
    // A type of the same name in another schema is not the built-in.
    expect(only('prefer-timestamptz', 'CREATE TABLE x (at myschema.timestamp);')).toEqual([]);
  });
});

describe('new tables are not existing tables', () => {
  const risky = [
    'CREATE INDEX i ON platform.projects (a);',
    'ALTER TABLE platform.projects ADD COLUMN b int NOT NULL;',
    'ALTER TABLE platform.projects ALTER COLUMN a TYPE bigint;',
    'ALTER TABLE platform.projects ALTER COLUMN a SET NOT NULL;',
    'ALTER TABLE platform.projects ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES users (id);',
    'ALTER TABLE platform.projects ADD CONSTRAINT u UNIQUE (a);',
    'ALTER TABLE platform.projects RENAME COLUMN a TO b;',
    'ALTER TABLE platform.projects DROP COLUMN a;',
    'DROP TABLE platform.projects;',
    'TRUNCATE platform.projects;',
  ].join('\n');
  const lockOrLossRules = (findings: LintFinding[]) =>
    findings.filter((f) => f.severity === 'error').map((f) => f.rule);

  it('every statement is flagged on an existing table', () => {
    expect(lockOrLossRules(lint(risky))).toHaveLength(10);
  });

  it('a table created earlier in the same file is not existing', () => {
    expect(lockOrLossRules(lint(`CREATE TABLE platform.projects (a int);\n${risky}`))).toEqual([]);
  });

  it('but a table created later in the file still is', () => {
    expect(only('require-concurrent-index', 'CREATE INDEX i ON t (a);\nCREATE TABLE t (a int);')).toHaveLength(1);
  });

  it('a table created by an earlier pending migration is not existing (lintMigrations threads it)', () => {
    const create = input(
      'CREATE TABLE platform.projects (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int);',
      { file: '001_create.sql' },
    );
    const index = input('CREATE INDEX projects_a ON platform.projects (a);', { file: '002_index.sql' });
    expect(lintMigrations([create, index]).filter((f) => f.rule === 'require-concurrent-index')).toEqual([]);
    expect(lintMigrations([index, create]).filter((f) => f.rule === 'require-concurrent-index')).toMatchObject([
      { file: '002_index.sql' },
    ]);
  });

  it('context names: unqualified means public, and case does not matter', () => {
    expect(only('require-concurrent-index', 'CREATE INDEX i ON public.users (a);', { created: ['users'] })).toEqual([]);
    expect(only('require-concurrent-index', 'CREATE INDEX i ON users (a);', { created: ['public.users'] })).toEqual([]);
    expect(
      only('require-concurrent-index', 'CREATE INDEX i ON Platform.Projects (a);', { created: ['platform.projects'] }),
    ).toEqual([]);
    expect(only('require-concurrent-index', 'CREATE INDEX i ON other.users (a);', { created: ['users'] })).toHaveLength(
      1,
    );
  });

  it('a new table renamed is still new', () => {
    expect(
      only('require-concurrent-index', 'CREATE TABLE a (x int);\nALTER TABLE a RENAME TO b;\nCREATE INDEX i ON b (x);'),
    ).toEqual([]);
  });
});

describe('suppression and config', () => {
  it('-- ogel:lint-ignore RULE reason disables the rule for the file', () => {
    const sql =
      'TRUNCATE t;\n-- ogel:lint-ignore ban-truncate staging-only lookup table, reloaded by the next step\nTRUNCATE u;';
    expect(ruleIds(sql)).not.toContain('ban-truncate');
    expect(ruleIds(sql)).toEqual([]);
  });

  it('a suppression without a reason suppresses nothing and is itself an error', () => {
    const findings = lint('-- ogel:lint-ignore ban-truncate\nTRUNCATE t;');
    expect(findings.map((f) => f.rule)).toEqual(['lint-ignore-without-reason', 'ban-truncate']);
    expect(findings[0]).toMatchObject({ severity: 'error', line: 1, column: 1 });
  });

  it('a suppression naming an unknown rule is a warning', () => {
    expect(only('lint-ignore-unknown-rule', 'SELECT 1; -- ogel:lint-ignore ban-trunkate typo')).toMatchObject([
      { line: 1, column: 11, severity: 'warning' },
    ]);
    expect(only('lint-ignore-unknown-rule', '-- ogel:lint-ignore ban-truncate known\nSELECT 1;')).toEqual([]);
  });

  it('the meta rules cannot be suppressed by a comment', () => {
    expect(
      ruleIds('-- ogel:lint-ignore lint-ignore-without-reason because\n-- ogel:lint-ignore ban-truncate\nTRUNCATE t;'),
    ).toContain('lint-ignore-without-reason');
  });

  it('options.disabledRules turns rules off everywhere', () => {
    const sql = 'DELETE FROM t;\nTRUNCATE t;';
    expect(ruleIds(sql)).toEqual(['delete-without-where', 'ban-truncate']);
    expect(ruleIds(sql, { disabledRules: ['ban-truncate'] })).toEqual(['delete-without-where']);
    expect(ruleIds(sql, { hasDown: false, disabledRules: ['missing-down', 'delete-without-where'] })).toEqual([
      'ban-truncate',
    ]);
  });
});

describe('positions', () => {
  it('points at the statement, or at the exact clause inside a multi-line statement', () => {
    const sql = [
      '-- ogel:no-transaction',
      '-- adds the status column',
      '',
      'ALTER TABLE platform.projects',
      '  ADD COLUMN title text,',
      '  ADD COLUMN "ünïcödé" text, ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      '',
      '   DELETE FROM platform.audit;',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_title ON platform.projects (title);',
    ].join('\n');
    const findings = lint(sql);
    // Column 41 is `token` counted in characters: the parser's byte offset would say 45 after the multibyte name.
    expect(findings.find((f) => f.rule === 'adding-field-with-volatile-default')).toMatchObject({
      line: 6,
      column: 41,
      file: '20260101000000_test.sql',
    });
    expect(findings.find((f) => f.rule === 'delete-without-where')).toMatchObject({ line: 8, column: 4 });
    expect(findings.find((f) => f.rule === 'mixed-transaction-mode')).toMatchObject({ line: 9, column: 1 });
    // Sorted by position.
    const positions = findings.map((f) => f.line * 1000 + f.column);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('isDestructive', () => {
  const destructive = (sql: string) => isDestructive(parseStatements(sql, 'x.sql'));
  it('is true for drops of data, TRUNCATE, unfiltered DELETE/UPDATE and CASCADE', () => {
    for (const sql of [
      'DROP TABLE t',
      'DROP SCHEMA s',
      'ALTER TABLE t DROP COLUMN a',
      'TRUNCATE t',
      'DELETE FROM t',
      'UPDATE t SET a = 1',
      'DROP TYPE e CASCADE',
      'DROP DATABASE d',
    ]) {
      expect(destructive(sql), sql).toBe(true);
    }
  });
  it('is false for additive and filtered changes', () => {
    for (const sql of [
      'CREATE TABLE t (a int)',
      'ALTER TABLE t ADD COLUMN b int',
      'DELETE FROM t WHERE a = 1',
      'DROP INDEX i',
      'DROP VIEW v',
      'UPDATE t SET a = 1 WHERE id = 2',
    ]) {
      expect(destructive(sql), sql).toBe(false);
    }
  });
});

describe('formats', () => {
  const finding: LintFinding = {
    rule: 'ban-truncate',
    severity: 'error',
    file: 'db/migrations/001_a,b:c.sql',
    line: 3,
    column: 5,
    message: 'TRUNCATE t deletes 100% of rows\r\nreally',
    hint: 'Use DELETE … WHERE',
  };

  it('text: file:line:col  severity  rule  message, hint indented', () => {
    expect(formatText([finding, { ...finding, line: 4, severity: 'warning' }])).toBe(
      'db/migrations/001_a,b:c.sql:3:5  error  ban-truncate  TRUNCATE t deletes 100% of rows\r\nreally\n    Use DELETE … WHERE\n' +
        'db/migrations/001_a,b:c.sql:4:5  warning  ban-truncate  TRUNCATE t deletes 100% of rows\r\nreally\n    Use DELETE … WHERE',
    );
  });

  it('github: escapes %, CR and LF in the message, and also : and , in properties', () => {
    expect(formatGithub([finding])).toBe(
      '::error file=db/migrations/001_a%2Cb%3Ac.sql,line=3,col=5,title=ban-truncate::TRUNCATE t deletes 100%25 of rows%0D%0Areally%0AUse DELETE … WHERE',
    );
    expect(formatGithub([{ ...finding, severity: 'warning' }]).startsWith('::warning ')).toBe(true);
    expect(formatGithub([finding]).split('\n')).toHaveLength(1);
  });

  it('json: a plain array of the findings', () => {
    expect(JSON.parse(formatJson([finding]))).toEqual([finding]);
    expect(JSON.parse(formatJson([]))).toEqual([]);
  });
});
