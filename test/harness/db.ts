import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

let counter = 0;

/** Connection URL of the shared test server's admin database. */
export function adminUrl(): string {
  return inject('pgAdminUrl');
}

export function urlForDatabase(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates a fresh, empty database for one test (CREATE DATABASE … TEMPLATE is fast) and returns its URL. */
export async function createTestDatabase(prefix = 't'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ogel_test_template`));
  return { name, url: urlForDatabase(name) };
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(adminUrl(), fn);
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs one query on a database and returns its rows. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, params)).rows);
}
