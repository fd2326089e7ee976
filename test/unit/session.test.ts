import { expect, it } from 'vitest';
import { currentIdentity } from '../../src/db/identity.js';
import { openSession, serverVersionNumber } from '../../src/db/session.js';
import { createTestDatabase, query } from '../harness/db.js';

it('reads server_version the way libpq does', () => {
  expect(serverVersionNumber('15.18')).toBe(150018);
  expect(serverVersionNumber('16.4 (Debian 16.4-1.pgdg120+1)')).toBe(160004);
  expect(serverVersionNumber('17beta1')).toBe(170000);
  expect(serverVersionNumber('9.6.24')).toBe(90624);
  expect(serverVersionNumber('10.1')).toBe(100001);
  expect(serverVersionNumber('devel')).toBeNull();
});

it('knows the server version from the connection itself, as the server reports it', async () => {
  const db = await createTestDatabase();
  const session = await openSession({ databaseUrl: db.url }, currentIdentity('test'));
  try {
    const [row] = await query<{ server_version_num: string }>(db.url, 'SHOW server_version_num');
    expect(session.serverVersionNum).toBe(Number(row!.server_version_num));
  } finally {
    await session.release();
  }
});
