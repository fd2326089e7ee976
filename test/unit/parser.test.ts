import { beforeAll, describe, expect, it } from 'vitest';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';
import { isTransactionControl, nonTransactionalReason } from '../../src/sql/transaction-rules.js';
import { mayChangeSession } from '../../src/sql/session-effects.js';
import { isOgelError } from '../../src/errors.js';

beforeAll(ensureParser);

describe('parseStatements', () => {
  it('splits on the real grammar: dollar quotes, nested comments, E strings, multibyte text', () => {
    const sql = [
      '-- leading comment',
      "CREATE TABLE t (name text DEFAULT 'é;');",
      '/* outer /* nested; */ still comment; */',
      "DO $body$ BEGIN RAISE NOTICE 'a;b'; END $body$;",
      "SELECT E'it\\'s;';",
      'SELECT 1',
    ].join('\n');
    const statements = parseStatements(sql, 'x.sql');
    expect(statements.map((s) => s.kind)).toEqual(['CreateStmt', 'DoStmt', 'SelectStmt', 'SelectStmt']);
    expect(statements[0]).toMatchObject({ line: 2, column: 1, text: "CREATE TABLE t (name text DEFAULT 'é;')" });
    expect(statements[1]).toMatchObject({ line: 4, column: 1 });
    expect(statements[1]!.text).toBe("DO $body$ BEGIN RAISE NOTICE 'a;b'; END $body$");
    expect(statements[3]).toMatchObject({ line: 6, column: 1, text: 'SELECT 1' });
  });

  it('reports syntax errors with file, line and column', () => {
    try {
      parseStatements('SELECT 1;\nCREATE TABLE (;', 'bad.sql');
      expect.unreachable();
    } catch (error) {
      expect(isOgelError(error, 'SQL_SYNTAX')).toBe(true);
      expect((error as Error).message).toBe('bad.sql:2:14: syntax error at or near "("');
    }
  });

  it('explains psql meta-commands', () => {
    expect(() => parseStatements('\\set ON_ERROR_STOP on\nSELECT 1;', 'test_x.sql')).toThrow(/psql meta-command/);
  });
});

describe('transaction rules', () => {
  const first = (sql: string) => parseStatements(sql, 'x.sql')[0]!;
  it('finds transaction control but allows savepoints', () => {
    expect(isTransactionControl(first('BEGIN'))).toBe(true);
    expect(isTransactionControl(first('COMMIT'))).toBe(true);
    expect(isTransactionControl(first('END'))).toBe(true);
    expect(isTransactionControl(first('ROLLBACK'))).toBe(true);
    expect(isTransactionControl(first('SAVEPOINT a'))).toBe(false);
    expect(isTransactionControl(first('ROLLBACK TO SAVEPOINT a'))).toBe(false);
    expect(isTransactionControl(first('SELECT 1'))).toBe(false);
  });
  it('finds statements that cannot run in a transaction', () => {
    expect(nonTransactionalReason(first('CREATE INDEX CONCURRENTLY i ON t (a)'))).toMatch(/CONCURRENTLY/);
    expect(nonTransactionalReason(first('CREATE INDEX i ON t (a)'))).toBeUndefined();
    expect(nonTransactionalReason(first('DROP INDEX CONCURRENTLY i'))).toMatch(/CONCURRENTLY/);
    expect(nonTransactionalReason(first('REINDEX INDEX CONCURRENTLY i'))).toMatch(/REINDEX/);
    expect(nonTransactionalReason(first('VACUUM t'))).toMatch(/VACUUM/);
    expect(nonTransactionalReason(first('ANALYZE t'))).toBeUndefined();
    expect(nonTransactionalReason(first("ALTER TYPE e ADD VALUE 'x'"), 110000)).toMatch(/PostgreSQL 12/);
    expect(nonTransactionalReason(first("ALTER TYPE e ADD VALUE 'x'"), 150000)).toBeUndefined();
  });
});

describe('session effects', () => {
  const changes = (sql: string) => mayChangeSession(parseStatements(sql, 'x.sql'));
  it('plain DDL and constant DML leave the session alone; anything that can run code or SET does not', () => {
    expect(
      changes("CREATE TABLE t (id int DEFAULT nextval('s')); CREATE INDEX i ON t (id); INSERT INTO t VALUES (1);"),
    ).toBe(false);
    expect(
      changes(
        'ALTER TABLE t ADD COLUMN x int; GRANT SELECT ON t TO r; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
      ),
    ).toBe(false);
    expect(changes('SET search_path = other;')).toBe(true);
    expect(changes('SET LOCAL ROLE app;')).toBe(true);
    expect(changes("SELECT set_config('search_path', 'x', false);")).toBe(true);
    expect(changes('DO $$ BEGIN PERFORM 1; END $$;')).toBe(true);
    expect(changes('CREATE TEMP TABLE scratch (id int);')).toBe(true);
    expect(changes('INSERT INTO t SELECT f();')).toBe(true);
    expect(changes('UPDATE t SET x = (SELECT 1);')).toBe(true);
  });
});
