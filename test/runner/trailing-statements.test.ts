import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTION, runUntrackedWith, TrailingStatementsFailed } from '../../src/db/execute-script.js';
import { ensureParser } from '../../src/sql/parser.js';
import { prepareScript } from '../../src/sql/prepare-script.js';
import { OgelError } from '../../src/errors.js';
import { createTestDatabase, query, withClient } from '../harness/db.js';

// Verify reads each schema state in the message of the script that produced it, after its COMMIT.
describe('statements trailing a script in its message', () => {
  it('run after COMMIT and return their rows, in order', async () => {
    await ensureParser();
    const db = await createTestDatabase();
    const rows = await withClient(db.url, (client) =>
      runUntrackedWith(client, prepareScript('001_a.sql', 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1), (2);'), DEFAULT_EXECUTION, true, [
        "SELECT count(*)::int AS n FROM a",
        'SELECT 1 WHERE false',
        "SELECT current_setting('transaction_isolation') AS iso, 'x' AS tag",
      ]),
    );
    expect(rows).toEqual([[{ n: 2 }], undefined, [{ iso: 'read committed', tag: 'x' }]]);
  });

  it('do not run when the script fails, and the failure is the file\'s, at its line', async () => {
    await ensureParser();
    const db = await createTestDatabase();
    const error = await withClient(db.url, (client) =>
      runUntrackedWith(client, prepareScript('001_a.sql', 'CREATE TABLE a (id int);\nSELECT * FROM missing;'), DEFAULT_EXECUTION, false, [
        'CREATE TABLE trailing_ran (id int)',
      ]).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(OgelError);
    expect((error as OgelError).message).toMatch(/^001_a\.sql:2:15: relation "missing" does not exist/);
    expect(await query(db.url, "SELECT to_regclass('a') AS a, to_regclass('trailing_ran') AS t")).toEqual([{ a: null, t: null }]);
  });

  it('that fail leave the committed script committed and are not blamed on it (no retry either)', async () => {
    await ensureParser();
    const db = await createTestDatabase();
    const error = await withClient(db.url, (client) =>
      runUntrackedWith(client, prepareScript('001_a.sql', 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);'), { ...DEFAULT_EXECUTION, lockRetries: 3 }, false, [
        'EXECUTE never_prepared',
      ]).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(TrailingStatementsFailed);
    expect((error as Error).message).toContain('prepared statement "never_prepared" does not exist');
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM a')).toEqual([{ n: 1 }]);
  });
});
