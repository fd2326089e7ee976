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

/** A name as a LIKE pattern that matches only itself (`_` and `%` are wildcards in LIKE). */
export function likeExactly(name: string): string {
  return name.replace(/[\\_%]/g, '\\$&');
}

/**
 * Resolves once a session (of `application`, if given) on a database whose name is LIKE `databaseLike` runs a statement
 * ILIKE `queryLike`: the moment a fault test strikes (pg_dump copying a table, pg_restore loading one).
 */
export async function whenRunning(
  where: { application?: string; databaseLike: string; queryLike: string },
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await withAdmin((c) =>
      c.query(
        'SELECT 1 FROM pg_stat_activity WHERE datname LIKE $1 AND ($2::text IS NULL OR application_name = $2) ' +
          'AND query ILIKE $3 AND pid <> pg_backend_pid()',
        [where.databaseLike, where.application ?? null, where.queryLike],
      ),
    );
    if (rows.rowCount) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${where.application ?? 'nothing'} never ran ${where.queryLike} on ${where.databaseLike}`);
}
