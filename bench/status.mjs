// `status` as a whole process with 1000 and 10,000 applied migrations, vs dbmate's status and vs the floor: the
// least a Node process can do for the same answer (bench/status-floor.mjs), with `node -e 0` for scale.
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
    writeFileSync(
      join(dbmate, `${v}_m${i}.sql`),
      `-- migrate:up\nCREATE TABLE IF NOT EXISTS t${i} (id int);\n-- migrate:down\n`,
    );
  }
  const url = await freshDatabase('status');
  // Both tools see `count` applied migrations without spending the benchmark on applying them.
  await new MigrationRunner({ databaseUrl: url, dir: ogel }).baseline({ to: String(count).padStart(5, '0') });
  await sql(url, 'CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY)');
  await sql(url, "INSERT INTO schema_migrations SELECT lpad(g::text, 5, '0') FROM generate_series(1, $1) g", [count]);
  const times = await interleaved(RUNS, {
    floor: { run: () => run(process.execPath, [join(ROOT, 'bench', 'status-floor.mjs'), ogel, url]) },
    ours: { run: () => run(process.execPath, [BIN, 'status', '--json', '--dir', ogel, '--database-url', url]) },
    dbmate: {
      run: () =>
        run(join(ROOT, 'bench', 'peers', 'node_modules', '.bin', 'dbmate'), [
          '--url',
          `${url}?sslmode=disable`,
          '--migrations-dir',
          dbmate,
          'status',
        ]).catch(() => null),
    },
    node: { run: () => run(process.execPath, ['-e', '0']) },
  });
  const row = (tool, name, target = '') => ({
    migrations: count,
    tool,
    time: ms(times[name].time),
    ratio: `${times[name].ratio.toFixed(2)}×`,
    target,
  });
  return [
    row('floor: bench/status-floor.mjs (Node)', 'floor'),
    row('ogel-migrate status --json', 'ours', '≤ 250 ms'),
    row('dbmate status (names only, Go)', 'dbmate'),
    { migrations: count, tool: 'node-pg-migrate', time: 'n/a (no status command)', ratio: '', target: '' },
    row('node -e 0 (Node start alone)', 'node'),
  ];
}

export default async function statusBench() {
  report('status', `status as a whole process, median of ${RUNS} interleaved runs`, [
    ...(await measure(1000)),
    ...(await measure(10_000)),
  ]);
}
