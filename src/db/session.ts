import type pg from 'pg';
import { OgelError } from '../errors.js';
import { announcedServerVersion, connectClient, connectionError, queryServerVersion } from './connect.js';
import { applicationName, type RunnerIdentity } from './identity.js';
import { maskUrl } from './url.js';

export { serverVersionNumber } from './connect.js';

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
  if ('pool' in source) {
    let pooled: pg.PoolClient;
    try {
      pooled = await source.pool.connect();
    } catch (error) {
      throw connectionError(undefined, error);
    }
    client = pooled;
    release = async (discard) => pooled.release(discard === true ? true : undefined);
  } else {
    const single = await connectClient(source.databaseUrl, { applicationName: applicationName(identity) });
    client = single;
    release = async () => {
      await single.end().catch(() => {});
    };
  }
  const announced = announcedServerVersion(client);
  if (announced !== null) return { client, serverVersionNum: announced, release };
  try {
    // Asked once per pooled connection: it does not change while the connection lives.
    return { client, serverVersionNum: await queryServerVersion(client), release };
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
