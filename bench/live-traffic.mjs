// A table under steady read/write load; a second session holds a conflicting lock for 10 s; then a migration
// needs ACCESS EXCLUSIVE on that table. ogel-migrate (lock_timeout + retry) vs a naive ALTER (as dbmate and
// node-pg-migrate run it): what the load's latency looks like while the migration waits.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MigrationRunner } from '../dist/index.js';
import { freshDatabase, report, sql } from './lib.mjs';

const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 10_000);
const CLIENTS = 4;

async function scenario(label, migrate) {
  const url = await freshDatabase('live');
  await sql(
    url,
    'CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 100000) g',
  );
  const latencies = [];
  let errors = 0;
  let running = true;
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const load = clients.map(async (c, n) => {
    for (let i = 0; running; i++) {
      const id = 1 + ((i * 7919 + n) % 100000);
      const started = performance.now();
      try {
        await c.query(
          i % 2 === 0
            ? 'SELECT balance FROM accounts WHERE id = $1'
            : 'UPDATE accounts SET balance = balance + 1 WHERE id = $1',
          [id],
        );
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  });
  // The conflicting lock: a long transaction that read the table (ACCESS SHARE), as a slow report would.
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN; SELECT count(*) FROM accounts');
  const release = new Promise((r) => setTimeout(r, HOLD_MS)).then(() => holder.query('COMMIT'));
  await new Promise((r) => setTimeout(r, 200));
  const windowStart = latencies.length;
  const started = performance.now();
  await migrate(url);
  const migrationMs = performance.now() - started;
  const window = latencies.slice(windowStart);
  running = false;
  await Promise.all([...load, release]);
  await Promise.all([...clients, holder].map((c) => c.end()));
  window.sort((a, b) => a - b);
  const pct = (p) => Math.round(window[Math.min(window.length - 1, Math.floor(window.length * p))] ?? 0);
  return {
    run: label,
    migration: `${Math.round(migrationMs)} ms`,
    requests: window.length,
    p50: `${pct(0.5)} ms`,
    p99: `${pct(0.99)} ms`,
    max: `${Math.round(window.at(-1) ?? 0)} ms`,
    errors,
  };
}

export default async function liveTrafficBench() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'));
  writeFileSync(join(dir, '001_add_column.sql'), 'ALTER TABLE accounts ADD COLUMN note text;');
  const ours = await scenario('ogel-migrate (lock_timeout 200 ms, retries with backoff)', (url) =>
    new MigrationRunner({ databaseUrl: url, dir, lockTimeoutMs: 200, lockRetries: 100, retryBaseMs: 200 }).migrate(),
  );
  const naive = await scenario('naive ALTER (no lock_timeout, as dbmate/node-pg-migrate)', (url) =>
    sql(url, 'ALTER TABLE accounts ADD COLUMN note text'),
  );
  report(
    'live-traffic',
    `Load latency while a migration waits ${HOLD_MS / 1000} s for a conflicting lock (${CLIENTS} clients)`,
    [ours, naive],
    { target: 'p99 ≤ 300 ms for ogel-migrate' },
  );
}
