import type pg from 'pg';
import { OgelError } from '../errors.js';
import { announcedServerVersion, connectClient, connectionError, queryServerVersion, withClient } from './connect.js';
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
  /**
   * Asks the server to cancel what this session is running (pg_cancel_backend from a connection of its own,
   * what psql's Ctrl-C does with a cancel request): the statement fails with 57014 and its transaction rolls
   * back. A session that is idle is not affected. Best effort: false when the request could not be sent.
   */
  cancel(): Promise<boolean>;
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
  const cancel = () => cancelBackend(source, client);
  const announced = announcedServerVersion(client);
  if (announced !== null) return { client, serverVersionNum: announced, release, cancel };
  try {
    // Asked once per pooled connection: it does not change while the connection lives.
    return { client, serverVersionNum: await queryServerVersion(client), release, cancel };
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

/** pg_cancel_backend for `client`'s backend, from another connection of `source`; false if it could not be sent. */
export async function cancelBackend(source: ConnectionSource, client: pg.ClientBase): Promise<boolean> {
  // The backend's pid from the connection's BackendKeyData: no query on the busy connection itself.
  const pid = (client as { processID?: number | null }).processID;
  if (!pid) return false;
  const sql = 'SELECT pg_cancel_backend($1) AS sent';
  try {
    if ('pool' in source) {
      const other = await source.pool.connect();
      try {
        return (await other.query<{ sent: boolean }>(sql, [pid])).rows[0]?.sent === true;
      } finally {
        other.release();
      }
    }
    return await withClient(
      source.databaseUrl,
      async (other) => (await other.query(sql, [pid])).rows[0]?.sent === true,
      {
        purpose: 'cancel request',
      },
    );
  } catch {
    return false;
  }
}
