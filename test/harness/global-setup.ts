import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { startLocalPostgres } from '../../src/db/local-server.js';
import { binDirFor, SERVER_IDS, type ServerId } from './postgres.js';

/**
 * Starts the project's server of the matrix (the project is named after it) for the whole run; each test then
 * takes its own database from it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const id = project.name as ServerId;
  if (!SERVER_IDS.includes(id)) throw new Error(`global-setup: project ${project.name} is not a server of the matrix`);
  const binDir = await binDirFor(id);
  const server = await startLocalPostgres(binDir);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query('CREATE DATABASE ogel_test_template');
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  await client.end();
  project.provide('pgAdminUrl', server.url);
  project.provide('pgPort', server.port);
  project.provide('pgServer', id);
  project.provide('pgBinDir', binDir);
  project.provide('pgServerMajor', Math.floor(Number(rows[0]!.v) / 10000));
  return async () => {
    await server.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgPort: number;
    /** Which server of the matrix this project runs on. */
    pgServer: ServerId;
    /** Its `initdb`/`postgres` folder, for tests that start a private server of the same kind. */
    pgBinDir: string;
    /** Its major version (15, 17). */
    pgServerMajor: number;
  }
}
