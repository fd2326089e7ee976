// Shared helpers for the benchmarks: a private PostgreSQL, fresh databases, timing and reporting.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../dist/db/embedded.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = `${ROOT}bin/ogel-migrate.js`;
export const PG_BIN = '/usr/lib/postgresql/15/bin';

let server;
let counter = 0;

/** One server for the whole run, so every ratio compares tools on the same server at the same time. */
export async function pgServer() {
  server ??= await startEmbeddedPostgres({ settings: { max_connections: '300' } });
  return server;
}

export async function stopServer() {
  await server?.stop();
  server = undefined;
}

export async function freshDatabase(prefix = 'b') {
  const s = await pgServer();
  const name = `${prefix}_${++counter}_${Date.now().toString(36)}`;
  await sql(s.url, `CREATE DATABASE ${name}`);
  return s.urlFor(name);
}

export async function sql(url, text, params = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 256 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

export function spawnProcess(command, args, options = {}) {
  return spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Median wall time of `times` runs of `fn(i)` (each run gets a fresh setup from `setup`). */
export async function median(times, setup, fn) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const context = await setup(i);
    const started = performance.now();
    await fn(context);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Several contenders measured in turns (a warm-up round first, not counted), so a slow spell of a noisy machine
 * hits all of them alike. `contenders`: name → { setup?, run }. Returns each one's median time and, relative
 * to the first contender, the median of the per-round ratios (steadier than a ratio of medians when the
 * machine's speed drifts between rounds).
 */
export async function interleaved(times, contenders) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -1; round < times; round++) {
    for (const [name, { setup, run: fn }] of Object.entries(contenders)) {
      const context = setup ? await setup() : undefined;
      const started = performance.now();
      await fn(context);
      if (round >= 0) samples[name].push(performance.now() - started);
    }
  }
  if (process.env.BENCH_VERBOSE)
    console.log(JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(Math.round)]))));
  const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const base = samples[names[0]];
  return Object.fromEntries(
    names.map((name) => [
      name,
      { time: middle(samples[name]), ratio: middle(samples[name].map((t, i) => t / base[i])) },
    ]),
  );
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

export function report(name, title, rows, extra = {}) {
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(
    `${ROOT}bench/results/${name}.json`,
    `${JSON.stringify({ name, title, machine: machine(), rows, ...extra }, null, 2)}\n`,
  );
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ');
  console.log(
    `\n## ${title}\n${line(keys)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map((r) => line(keys.map((k) => r[k]))).join('\n')}`,
  );
}

export const ms = (value) => (value === null || value === undefined ? 'n/a' : `${Math.round(value)} ms`);
export const ratio = (value, floor) =>
  value === null || value === undefined ? 'n/a' : `${(value / floor).toFixed(2)}x`;

/** The history verify is measured on: `count` migrations, each a table with a primary key and an index, with its down. */
export function tableHistory(count, prefix) {
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(4, '0');
    writeFileSync(
      join(dir, `${v}_m${i}.sql`),
      `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '');\nCREATE INDEX t${i}_name_idx ON t${i} (name);`,
    );
    writeFileSync(join(dir, `${v}_m${i}.down.sql`), `DROP TABLE t${i};`);
  }
  return dir;
}
