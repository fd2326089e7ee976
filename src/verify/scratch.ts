import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.js';
import { withClient } from '../db/connect.js';
import { maskDatabaseUrl, maskUrl, validateDatabaseUrl, withDatabase } from '../db/url.js';
import { OgelError } from '../errors.js';

/** A throwaway database that is dropped afterwards, also on failure or Ctrl-C. */
export interface ScratchDatabase {
  url: string;
  /** Human description without credentials. */
  description: string;
  /** Another empty database on the same server (for clones and comparisons). */
  createSibling(prefix: string): Promise<{ url: string; drop(): Promise<void> }>;
  drop(): Promise<void>;
}

/**
 * CREATE DATABASE on the server of `serverUrl` (the role needs CREATEDB). The statement runs from the given
 * database itself: hosted Postgres often forbids connecting to `postgres`.
 */
export async function createScratchOnServer(serverUrl: string, prefix = 'ogel_verify'): Promise<ScratchDatabase> {
  validateDatabaseUrl(serverUrl);
  const created: string[] = [];
  const run = async (sql: string) => {
    try {
      await withClient(serverUrl, (client) => client.query(sql), { purpose: 'scratch database' });
    } catch (error) {
      if (error instanceof OgelError) throw error;
      throw new OgelError(
        'DB_CONNECTION',
        `Scratch database: ${maskUrl((error as Error).message)} (${sql.split(' ').slice(0, 3).join(' ')} on ${maskDatabaseUrl(serverUrl)})`,
        {},
        { cause: error },
      );
    }
  };
  const make = async (namePrefix: string) => {
    const name = `${namePrefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await run(`CREATE DATABASE ${name}`);
    created.push(name);
    return {
      name,
      url: withDatabase(serverUrl, name),
      drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  };
  const main = await make(prefix);
  return {
    url: main.url,
    description: `database ${main.name} on ${new URL(serverUrl).host}`,
    createSibling: async (p) => {
      const sibling = await make(p);
      return { url: sibling.url, drop: sibling.drop };
    },
    drop: async () => {
      for (const name of created.splice(0)) await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    },
  };
}

/** A private embedded PostgreSQL (`--embedded`): needs no CREATEDB right anywhere. */
export async function createEmbeddedScratch(): Promise<ScratchDatabase> {
  const server: EmbeddedServer = await startEmbeddedPostgres();
  const inner = await createScratchOnServer(server.url);
  return {
    ...inner,
    description: `embedded PostgreSQL on port ${server.port}`,
    drop: async () => {
      await inner.drop().catch(() => {});
      await server.stop();
    },
  };
}

/**
 * Runs `fn` with a scratch database and drops it afterwards, whether `fn` succeeds, fails or stops early. It
 * installs no signal handlers (library code never decides when a process ends): to stop on Ctrl-C, the caller
 * passes an AbortSignal to the work `fn` does, which then returns or throws, and the database is dropped here.
 */
export async function withScratch<T>(
  create: () => Promise<ScratchDatabase>,
  fn: (scratch: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const scratch = await create();
  try {
    return await fn(scratch);
  } finally {
    await scratch.drop().catch(() => {});
  }
}
