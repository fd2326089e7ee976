import pg from 'pg';
import { OgelError } from '../errors.js';
import { applicationName, type RunnerIdentity } from './identity.js';
import { maskUrl, validateDatabaseUrl } from './url.js';

/** Where connections come from: a URL (one client per operation) or a pool the embedder owns. */
export type ConnectionSource = { databaseUrl: string } | { pool: pg.Pool };

/** One connection for one operation; `release(true)` discards a connection whose state is unknown. */
export interface Session {
  client: pg.ClientBase;
  serverVersionNum: number;
  release(discard?: boolean): Promise<void>;
}

/** server_version_num of the pool connections already asked. */
const pooledVersions = new WeakMap<pg.ClientBase, number>();

export async function openSession(source: ConnectionSource, identity: RunnerIdentity): Promise<Session> {
  let client: pg.ClientBase;
  let release: (discard?: boolean) => Promise<void>;
  let serverVersion: string | undefined;
  try {
    if ('pool' in source) {
      const pooled = await source.pool.connect();
      client = pooled;
      release = async (discard) => pooled.release(discard === true ? true : undefined);
      const known = pooledVersions.get(pooled);
      if (known !== undefined) return { client, serverVersionNum: known, release };
    } else {
      const url = validateDatabaseUrl(source.databaseUrl);
      const single = new pg.Client({ connectionString: url, application_name: applicationName(identity) });
      // A dropped connection must surface as a query error, not crash the process.
      single.on('error', () => {});
      // The server announces its version while connecting: no round trip to ask for it.
      single.connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
        if (message.parameterName === 'server_version') serverVersion = message.parameterValue;
      });
      await single.connect();
      client = single;
      release = async () => {
        await single.end().catch(() => {});
      };
    }
  } catch (error) {
    if (error instanceof OgelError) throw error;
    const where = 'databaseUrl' in source ? ` to ${maskUrl(source.databaseUrl)}` : '';
    throw new OgelError(
      'DB_CONNECTION',
      `Cannot connect${where}: ${maskUrl((error as Error).message)}`,
      {},
      { cause: error },
    );
  }
  const announced = serverVersion === undefined ? null : serverVersionNumber(serverVersion);
  if (announced !== null) return { client, serverVersionNum: announced, release };
  try {
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    // Asked once per pooled connection: it does not change while the connection lives.
    const serverVersionNum = Number(version.rows[0]?.server_version_num ?? 0);
    if ('pool' in source) pooledVersions.set(client, serverVersionNum);
    return { client, serverVersionNum, release };
  } catch (error) {
    await release(true);
    throw new OgelError(
      'DB_CONNECTION',
      `Connected but cannot query: ${maskUrl((error as Error).message)}`,
      {},
      { cause: error },
    );
  }
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
