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

export async function openSession(source: ConnectionSource, identity: RunnerIdentity): Promise<Session> {
  let client: pg.ClientBase;
  let release: (discard?: boolean) => Promise<void>;
  try {
    if ('pool' in source) {
      const pooled = await source.pool.connect();
      client = pooled;
      release = async (discard) => pooled.release(discard === true ? true : undefined);
    } else {
      const url = validateDatabaseUrl(source.databaseUrl);
      const single = new pg.Client({ connectionString: url, application_name: applicationName(identity) });
      // A dropped connection must surface as a query error, not crash the process.
      single.on('error', () => {});
      await single.connect();
      client = single;
      release = async () => {
        await single.end().catch(() => {});
      };
    }
  } catch (error) {
    if (error instanceof OgelError) throw error;
    const where = 'databaseUrl' in source ? ` to ${maskUrl(source.databaseUrl)}` : '';
    throw new OgelError('DB_CONNECTION', `Cannot connect${where}: ${maskUrl((error as Error).message)}`, {}, { cause: error });
  }
  try {
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return { client, serverVersionNum: Number(version.rows[0]?.server_version_num ?? 0), release };
  } catch (error) {
    await release(true);
    throw new OgelError('DB_CONNECTION', `Connected but cannot query: ${maskUrl((error as Error).message)}`, {}, { cause: error });
  }
}
