import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sqlTextProblem } from '../../src/core/file-text.js';

const check = (bytes: Uint8Array) => sqlTextProblem(bytes, Buffer.from(bytes).toString('utf8'));

describe('migration file text (NUL bytes, invalid UTF-8)', () => {
  it('accepts any UTF-8 text without NUL, a correctly encoded U+FFFD included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const clean = text.replaceAll('\0', '');
        expect(check(Buffer.from(clean, 'utf8'))).toBeNull();
      }),
    );
    expect(check(Buffer.from("SELECT 'caf\uFFFD';", 'utf8'))).toBeNull();
  });

  it('flags exactly the byte strings a strict UTF-8 decoder refuses, or that hold a NUL', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(check(bytes) === null).toBe(valid && !bytes.includes(0));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the line and the column (in characters) of the first bad byte', () => {
    const nul = Buffer.from('SELECT 1;\nSELECT é\u00002;\nDROP TABLE x;', 'utf8');
    expect(check(nul)).toMatchObject({ line: 2, column: 9, problem: expect.stringContaining('NUL byte') });
    const latin1 = Buffer.concat([Buffer.from("-- ok\nINSERT INTO t VALUES ('caf"), Buffer.from([0xe9, 0x27, 0x29])]);
    expect(check(latin1)).toMatchObject({
      line: 2,
      column: 27,
      problem: expect.stringMatching(/not valid UTF-8: byte 0xE9 at line 2, column 27/),
    });
  });
});

describe('the parser on text from other sources', () => {
  it('an empty script has no statements; a NUL character is a syntax error at its place', async () => {
    const { ensureParser, parseStatements } = await import('../../src/sql/parser.js');
    await ensureParser();
    expect(parseStatements('', '001_empty.sql')).toEqual([]);
    expect(() => parseStatements('SELECT 1;\nSELECT 2;\u0000DROP TABLE x;', '002_x.sql')).toThrow(
      expect.objectContaining({ code: 'SQL_SYNTAX', message: '002_x.sql:2:10: contains a NUL character' }),
    );
  });
});
