import { expect, inject, it } from 'vitest';
import { createTestDatabase, query } from '../harness/db.js';

it('gives each test its own real database', async () => {
  const a = await createTestDatabase();
  const b = await createTestDatabase();
  await query(a.url, 'CREATE TABLE only_in_a (id int)');
  expect(await query(b.url, "SELECT to_regclass('only_in_a') AS r")).toEqual([{ r: null }]);
  const [row] = await query<{ v: string }>(a.url, 'SHOW server_version_num');
  expect(Number(Object.values(row!)[0])).toBeGreaterThanOrEqual(150000);
});

it('runs on the server of its project, with that server’s own settings', async () => {
  const db = await createTestDatabase();
  const [row] = await query<{ version: string; jit: string }>(
    db.url,
    "SELECT current_setting('server_version_num') AS version, current_setting('jit') AS jit",
  );
  const major = Math.floor(Number(row!.version) / 10000);
  expect(major).toBe(inject('pgServer') === 'embedded17' ? 17 : 15);
  // initdb's default everywhere; only Debian's build has the LLVM provider that makes it bite.
  expect(row!.jit).toBe('on');
});
