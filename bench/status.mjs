// `status` as a whole process with 1000 and 10,000 applied migrations, vs dbmate's status.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationRunner } from '../dist/index.js';
import { BIN, freshDatabase, interleaved, ms, report, run, ROOT, sql } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function measure(count) {
  const root = mkdtempSync(join(tmpdir(), `bench-status-${count}-`));
  const ogel = join(root, 'ogel');
  const dbmate = join(root, 'dbmate');
  mkdirSync(ogel);
  mkdirSync(dbmate);
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(5, '0');
    writeFileSync(join(ogel, `${v}_m${i}.sql`), `CREATE TABLE IF NOT EXISTS t${i} (id int);`);
    writeFileSync(join(dbmate, `${v}_m${i}.sql`), `-- migrate:up\nCREATE TABLE IF NOT EXISTS t${i} (id int);\n-- migrate:down\n`);
  }
  const url = await freshDatabase('status');
  // Both tools see `count` applied migrations without spending the benchmark on applying them.
  await new MigrationRunner({ databaseUrl: url, dir: ogel }).baseline({ to: String(count).padStart(5, '0') });
  await sql(url, 'CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY)');
  await sql(url, 'INSERT INTO schema_migrations SELECT lpad(g::text, 5, \'0\') FROM generate_series(1, $1) g', [count]);
  const times = await interleaved(RUNS, {
    ours: { run: () => run(process.execPath, [BIN, 'status', '--json', '--dir', ogel, '--database-url', url]) },
    dbmate: { run: () => run(join(ROOT, 'bench', 'peers', 'node_modules', '.bin', 'dbmate'), ['--url', `${url}?sslmode=disable`, '--migrations-dir', dbmate, 'status']).catch(() => null) },
  });
  const ours = times.ours.time;
  const theirs = times.dbmate.time;
  return [
    { migrations: count, tool: 'ogel-migrate status --json', time: ms(ours), target: '≤ 250 ms' },
    { migrations: count, tool: 'dbmate status', time: ms(theirs), target: '' },
    { migrations: count, tool: 'node-pg-migrate', time: 'n/a (no status command)', target: '' },
  ];
}

export default async function statusBench() {
  report('status', `status as a whole process, median of ${RUNS} interleaved runs`, [...(await measure(1000)), ...(await measure(10_000))]);
}
