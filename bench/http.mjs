// HTTP throughput: GET /status and a no-op POST /migrate under concurrent load (autocannon).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { MigrationRunner } from '../dist/index.js';
import { startServer } from '../dist/http/serve.js';
import { freshDatabase, report } from './lib.mjs';

// The peers live in bench/peers (installed by `npm run bench`), not in the project's dependencies.
const autocannon = createRequire(new URL('./peers/package.json', import.meta.url))('autocannon');

const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 5);

export default async function httpBench() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  for (let i = 1; i <= 20; i++)
    writeFileSync(join(dir, `${String(i).padStart(3, '0')}_m${i}.sql`), `CREATE TABLE t${i} (id int);`);
  const url = await freshDatabase('http');
  const runner = new MigrationRunner({ databaseUrl: url, dir });
  await runner.migrate();
  const quiet = {
    info() {},
    error() {},
    warn() {},
    debug() {},
    child() {
      return quiet;
    },
  };
  const server = await startServer({
    runners: new Map([['default', runner]]),
    defaultEnvironment: 'default',
    port: 0,
    host: '127.0.0.1',
    adminToken: 'bench',
    logger: quiet,
  });
  const headers = { authorization: 'Bearer bench', 'content-type': 'application/json' };
  const rows = [];
  for (const [label, options] of [
    ['GET /status', { method: 'GET', path: '/status' }],
    ['POST /migrate (no-op, ?wait=true)', { method: 'POST', path: '/migrate?wait=true', body: '{}' }],
  ]) {
    const result = await autocannon({
      url: `${server.url}${options.path}`,
      method: options.method,
      body: options.body,
      headers,
      connections: 10,
      duration: DURATION,
    });
    rows.push({
      endpoint: label,
      'req/s': Math.round(result.requests.average),
      p50: `${result.latency.p50} ms`,
      p99: `${result.latency.p99} ms`,
      non2xx: result.non2xx,
      errors: result.errors,
    });
  }
  await server.shutdown();
  report('http', `HTTP under load: 10 connections for ${DURATION} s each`, rows);
}
