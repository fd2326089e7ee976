import { expect, it } from 'vitest';
import { createTestDatabase, query } from '../harness/db.js';

it('gives each test its own real database', async () => {
  const a = await createTestDatabase();
  const b = await createTestDatabase();
  await query(a.url, 'CREATE TABLE only_in_a (id int)');
  expect(await query(b.url, "SELECT to_regclass('only_in_a') AS r")).toEqual([{ r: null }]);
  const [row] = await query<{ v: string }>(a.url, 'SHOW server_version_num');
  expect(Number(Object.values(row!)[0])).toBeGreaterThanOrEqual(150000);
});
