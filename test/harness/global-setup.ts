import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

/** Starts one real PostgreSQL server for the whole run; each test then takes its own database from it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startEmbeddedPostgres();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query('CREATE DATABASE ogel_test_template');
  await client.end();
  project.provide('pgAdminUrl', server.url);
  project.provide('pgPort', server.port);
  return async () => {
    await server.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgPort: number;
  }
}
