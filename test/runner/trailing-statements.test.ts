import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXECUTION,
  runUntrackedWith,
  TrailingStatementsFailed,
  type ExecutionSettings,
} from '../../src/db/execute-script.js';
import { ensureParser } from '../../src/sql/parser.js';
import { prepareScript } from '../../src/sql/prepare-script.js';
import { OgelError } from '../../src/errors.js';
import { createTestDatabase, query, withClient } from '../harness/db.js';

/** Runs `sql` as 001_a.sql on a fresh database with `trailing` after its COMMIT: the rows, or what was thrown. */
async function runWithTrailing(
  sql: string,
  trailing: string[],
  options: { dirty?: boolean; settings?: ExecutionSettings } = {},
) {
  await ensureParser();
  const db = await createTestDatabase();
  const outcome = await withClient(db.url, (client) =>
    runUntrackedWith(
      client,
      prepareScript('001_a.sql', sql),
      options.settings ?? DEFAULT_EXECUTION,
      options.dirty ?? false,
      trailing,
    ).catch((e: unknown) => e),
  );
  return { db, outcome };
}

// Verify reads each schema state in the message of the script that produced it, after its COMMIT.
describe('statements trailing a script in its message', () => {
  it('run after COMMIT and return their rows, in order', async () => {
    const { outcome } = await runWithTrailing(
      'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1), (2);',
      [
        'SELECT count(*)::int AS n FROM a',
        'SELECT 1 WHERE false',
        "SELECT current_setting('transaction_isolation') AS iso, 'x' AS tag",
      ],
      { dirty: true },
    );
    expect(outcome).toEqual([[{ n: 2 }], undefined, [{ iso: 'read committed', tag: 'x' }]]);
  });

  it("do not run when the script fails, and the failure is the file's, at its line", async () => {
    const { db, outcome } = await runWithTrailing('CREATE TABLE a (id int);\nSELECT * FROM missing;', [
      'CREATE TABLE trailing_ran (id int)',
    ]);
    expect(outcome).toBeInstanceOf(OgelError);
    expect((outcome as OgelError).message).toMatch(/^001_a\.sql:2:15: relation "missing" does not exist/);
    expect(await query(db.url, "SELECT to_regclass('a') AS a, to_regclass('trailing_ran') AS t")).toEqual([
      { a: null, t: null },
    ]);
  });

  it('that fail leave the committed script committed and are not blamed on it (no retry either)', async () => {
    const { db, outcome } = await runWithTrailing(
      'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);',
      ['EXECUTE never_prepared'],
      {
        settings: { ...DEFAULT_EXECUTION, lockRetries: 3 },
      },
    );
    expect(outcome).toBeInstanceOf(TrailingStatementsFailed);
    expect((outcome as Error).message).toContain('prepared statement "never_prepared" does not exist');
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM a')).toEqual([{ n: 1 }]);
  });
});
