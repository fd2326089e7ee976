import { spawn } from 'node:child_process';
import { maskUrl, splitPassword } from '../db/url.js';
import { OgelError } from '../errors.js';

// Kept here for the backups' import; the one implementation is the connector layer's.
export { splitPassword } from '../db/url.js';

/**
 * Copies the schema (no data) of `sourceUrl` into `targetUrl`: `pg_dump --schema-only | psql`. Owners are
 * dropped (the roles may not exist where the scratch database lives); grants to missing roles are reported.
 */
export async function cloneSchema(
  sourceUrl: string,
  targetUrl: string,
  binDir?: string,
): Promise<{ warnings: string[] }> {
  const bin = (name: string) => (binDir ? `${binDir}/${name}` : name);
  const source = splitPassword(sourceUrl);
  const target = splitPassword(targetUrl);
  const dump = spawn(bin('pg_dump'), ['--schema-only', '--no-owner', '--dbname', source.url], {
    env: { ...process.env, ...source.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const restore = spawn(bin('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=0', '--dbname', target.url], {
    env: { ...process.env, ...target.env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  dump.stdout.pipe(restore.stdin);
  const collect = (stream: NodeJS.ReadableStream) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    return () => text;
  };
  const dumpErr = collect(dump.stderr);
  const restoreErr = collect(restore.stderr);
  const exit = (child: ReturnType<typeof spawn>, name: string) =>
    new Promise<number>((resolve, reject) => {
      child.on('error', (error) =>
        reject(
          new OgelError(
            'TOOL_VERSION_MISMATCH',
            `${name} could not be started (${(error as Error).message}); install the PostgreSQL client (e.g. apt-get install postgresql-client)`,
          ),
        ),
      );
      child.on('close', (code) => resolve(code ?? 1));
    });
  const [dumpCode, restoreCode] = await Promise.all([exit(dump, 'pg_dump'), exit(restore, 'psql')]);
  if (dumpCode !== 0)
    throw new OgelError(
      'DB_CONNECTION',
      `pg_dump --schema-only of ${maskUrl(sourceUrl)} failed: ${maskUrl(dumpErr().trim())}`,
    );
  if (restoreCode !== 0)
    throw new OgelError(
      'DB_CONNECTION',
      `Loading the schema into the scratch database failed: ${maskUrl(restoreErr().trim())}`,
    );
  const warnings = restoreErr()
    .split('\n')
    .filter((line) => line.includes('ERROR'))
    .map((line) => maskUrl(line.trim()));
  return { warnings };
}
