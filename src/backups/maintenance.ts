import type pg from 'pg';
import type { DatabaseProps, SchemaAccess } from './manifest.js';

/**
 * Catalog reads and server-level statements a backup or a restore needs, on connections the caller opened
 * (through src/db/connect.ts).
 */

/** Properties of a database that live in the cluster catalog, not in its dump. */
export async function readDatabaseProps(client: pg.ClientBase, name: string, server: string): Promise<DatabaseProps> {
  const version = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0]!.v);
  // 15 and 16 call it daticulocale, 17 datlocale; before 15 there is no provider column (libc only).
  const provider = version >= 150000 ? 'datlocprovider::text' : "'c'";
  const locale = version >= 170000 ? 'datlocale' : version >= 150000 ? 'daticulocale' : 'NULL::text';
  const result = await client.query<{
    owner: string;
    encoding: string;
    collate: string;
    ctype: string;
    provider: string;
    locale: string | null;
    acl: string[] | null;
    settings: Array<{ role: string | null; setting: string }>;
    comment: string | null;
  }>(
    `SELECT pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding,
            d.datcollate AS collate, d.datctype AS ctype, ${provider} AS provider, ${locale} AS locale,
            d.datacl::text[] AS acl, shobj_description(d.oid, 'pg_database') AS comment,
            coalesce((SELECT json_agg(json_build_object('role', CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) END, 'setting', c.setting) ORDER BY s.setrole, c.n)
                        FROM pg_db_role_setting s, unnest(s.setconfig) WITH ORDINALITY AS c(setting, n)
                       WHERE s.setdatabase = d.oid), '[]') AS settings
       FROM pg_database d WHERE d.datname = $1`,
    [name],
  );
  const row = result.rows[0];
  if (!row) throw new Error(`database ${name} is not in pg_database`);
  return {
    name,
    server,
    owner: row.owner,
    encoding: row.encoding,
    collate: row.collate,
    ctype: row.ctype,
    localeProvider: row.provider,
    iculocale: row.locale,
    acl: row.acl,
    settings: row.settings,
    comment: row.comment,
  };
}

/** Every schema but the server's own, with owner and privileges. */
export async function readSchemaAccess(client: pg.ClientBase): Promise<SchemaAccess[]> {
  const result = await client.query<SchemaAccess>(
    `SELECT nspname AS name, pg_get_userbyid(nspowner) AS owner, nspacl::text[] AS acl FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
  );
  return result.rows;
}

export async function databaseExists(client: pg.ClientBase, name: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
}

/** Whether `name` is a template (template0, template1, or one marked so): what CREATE DATABASE copies. */
export async function isTemplateDatabase(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await client.query<{ t: boolean }>('SELECT datistemplate AS t FROM pg_database WHERE datname = $1', [
    name,
  ]);
  return rows[0]?.t === true;
}

/** A session connected to a database, as `restore` names the ones it ended. */
export interface DatabaseSession {
  pid: number;
  user: string | null;
  applicationName: string | null;
  clientAddress: string | null;
}

export async function sessionsOn(
  client: pg.ClientBase,
  database: string,
  except: number[],
): Promise<DatabaseSession[]> {
  const result = await client.query<{
    pid: number;
    usename: string | null;
    application_name: string | null;
    addr: string | null;
  }>(
    `SELECT pid, usename, application_name, host(client_addr) AS addr FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND NOT (pid = ANY($2::int[])) ORDER BY pid`,
    [database, except],
  );
  return result.rows.map((r) => ({
    pid: r.pid,
    user: r.usename,
    applicationName: r.application_name || null,
    clientAddress: r.addr,
  }));
}

/** Ends every other session on `database` and waits (up to `waitMs`) until the server has let them go. */
export async function endSessions(client: pg.ClientBase, database: string, waitMs = 10_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = await client.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    if (left.rows[0]!.n === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
