import pg from 'pg';
import { OgelError } from '../errors.js';
import { driverConnectionString, maskDatabaseUrl, maskUrl } from './url.js';

/**
 * The one seam to the server: every connection ogel-migrate opens (runs, reports, verify's scratch databases,
 * backups, the HTTP service's read pools, the demo) comes from here, so URL checks, the masking of passwords in
 * errors and the handling of a dropped connection are written once. A test fails when `new pg.` appears
 * anywhere else in src/.
 */
export interface ConnectOptions {
  /** `application_name` the session shows in pg_stat_activity. */
  applicationName?: string;
  /** What the connection is for, in the error message: "scratch database", "backup", … */
  purpose?: string;
}

/** server_version_num the server announced while connecting (no round trip to ask for it). */
const announcedVersions = new WeakMap<pg.ClientBase, number>();

/** Opens a client; a failure is DB_CONNECTION naming host and database, never the password. */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  const connectionString = driverConnectionString(url);
  const client = new pg.Client({
    connectionString,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  // A connection the server drops must surface as the next query's error, not crash the process.
  client.on('error', () => {});
  client.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
    if (message.parameterName !== 'server_version') return;
    const version = serverVersionNumber(message.parameterValue);
    if (version !== null) announcedVersions.set(client, version);
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw connectionError(url, error, options.purpose);
  }
  return client;
}

/** Runs `fn` on a client of its own and always closes it. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  options: ConnectOptions = {},
): Promise<T> {
  const client = await connectClient(url, options);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A pool of kept-open connections (the HTTP service's reports); lost idle connections are replaced. */
export function createPool(
  url: string,
  options: ConnectOptions & { max: number; idleTimeoutMillis?: number; onError?: (error: Error) => void },
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: driverConnectionString(url),
    max: options.max,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  // An idle connection the server dropped (a restart, a terminated backend) would otherwise end the process.
  pool.on('error', (error) => options.onError?.(new Error(maskUrl(error.message))));
  return pool;
}

/** The version the server announced on this connection, or null (a pooled connection of another origin). */
export function announcedServerVersion(client: pg.ClientBase): number | null {
  return announcedVersions.get(client) ?? null;
}

/** Asks the server for server_version_num (for connections that did not announce it to us). */
export async function queryServerVersion(client: pg.ClientBase): Promise<number> {
  const known = announcedVersions.get(client);
  if (known !== undefined) return known;
  const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  const version = Number(result.rows[0]?.server_version_num ?? 0);
  announcedVersions.set(client, version);
  return version;
}

/** A driver error while connecting, as the typed error every surface renders the same way. */
export function connectionError(url: string | undefined, error: unknown, purpose?: string): OgelError {
  if (error instanceof OgelError) return error;
  const where = url === undefined ? '' : ` to ${maskDatabaseUrl(url)}`;
  const what = purpose ? ` (${purpose})` : '';
  const code = (error as { code?: string }).code;
  return new OgelError(
    'DB_CONNECTION',
    `Cannot connect${where}${what}: ${maskUrl((error as Error).message)}`,
    code ? { sqlState: code } : {},
    { cause: error },
  );
}

/**
 * `server_version` (`15.18`, `16.4 (Debian 16.4-1.pgdg120+1)`, `17beta1`, `9.6.24`) as `server_version_num`
 * (150018, 160004, 170000, 90624), the way libpq's PQserverVersion reads it; null when it is not a version.
 */
export function serverVersionNumber(version: string): number | null {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  if (!match) return null;
  const [major, minor, patch] = [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
  return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100 + patch;
}
