import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';

beforeAll(ensureParser);

// Statements with every construct a cut after ";\n" could fall into.
const pieces = [
  'SELECT 1;',
  "INSERT INTO t VALUES ('a;\nb', 'é;\n');",
  "SELECT E'x\\';\n';",
  'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;',
  'CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN;\nRETURN 2;\n END $body$;',
  '/* a comment;\n with a semicolon;\n */ SELECT 2;',
  '-- a line comment;\nSELECT 3;',
  'SELECT 4\n-- this ; does not end it;\n+ 1;',
  'CREATE RULE r AS ON INSERT TO t DO ALSO (\n  INSERT INTO u VALUES (1);\n  INSERT INTO u VALUES (2);\n);',
  'CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;',
  'SELECT "odd;\nname" FROM t;',
  'SELECT \'ünïcødé\' AS "ñ";',
];

const script = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 30 }).map((s) => s.join('\n'));

describe('parsing a large file in pieces', () => {
  it('yields the same statements, positions and trees as one parse of the whole, wherever the cuts fall', () => {
    fc.assert(
      fc.property(script, fc.integer({ min: 1, max: 200 }), (sql, chunkBytes) => {
        const whole = parseStatements(sql, 'x.sql', Number.MAX_SAFE_INTEGER);
        const chunked = parseStatements(sql, 'x.sql', chunkBytes);
        expect(chunked).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('a syntax error in a later piece is reported at its place in the file', () => {
    const sql = `${'SELECT 1;\n'.repeat(50)}SELECT FROM WHERE;\n${'SELECT 2;\n'.repeat(50)}`;
    expect(() => parseStatements(sql, 'big.sql', 64)).toThrow(
      expect.objectContaining({ code: 'SQL_SYNTAX', message: expect.stringMatching(/^big\.sql:51:\d+: syntax error/) }),
    );
    const whole = (() => {
      try {
        parseStatements(sql, 'big.sql', Number.MAX_SAFE_INTEGER);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(() => parseStatements(sql, 'big.sql', 64)).toThrow(whole);
  });
});
