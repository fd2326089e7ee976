// 1000 generated migrations applied to an empty database: ogel-migrate vs the psql floor vs dbmate and
// node-pg-migrate, on the same server in one run. Two sets: "trivial" (table + index) and "tiny" (one INSERT),
// where the tool's own per-migration overhead shows.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationRunner } from '../dist/index.js';
import { BIN, freshDatabase, median, ms, ratio, report, run, ROOT, sql } from './lib.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function generate(kind) {
  const root = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const dirs = { ogel: join(root, 'ogel'), dbmate: join(root, 'dbmate'), npm: join(root, 'npm') };
  Object.values(dirs).forEach((d) => mkdirSync(d));
  let psql = '';
  for (let i = 1; i <= COUNT; i++) {
    const v = String(i).padStart(5, '0');
    const body = kind === 'tiny' ? `INSERT INTO bench_rows VALUES (${i});` : `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text);\nCREATE INDEX t${i}_name_idx ON t${i} (name);`;
    writeFileSync(join(dirs.ogel, `${v}_m${i}.sql`), body);
    writeFileSync(join(dirs.dbmate, `${v}_m${i}.sql`), `-- migrate:up\n${body}\n\n-- migrate:down\n`);
    writeFileSync(join(dirs.npm, `${v}_m${i}.sql`), `-- Up Migration\n${body}\n-- Down Migration\n`);
    psql += `BEGIN;\n\\i ${join(dirs.ogel, `${v}_m${i}.sql`)}\nCOMMIT;\n`;
  }
  writeFileSync(join(root, 'all.psql'), psql);
  return { ...dirs, psql: join(root, 'all.psql') };
}

async function prepared(kind) {
  const url = await freshDatabase(kind);
  if (kind === 'tiny') await sql(url, 'CREATE TABLE bench_rows (id int)');
  return url;
}

const bin = (name) => join(ROOT, 'bench', 'peers', 'node_modules', '.bin', name);

async function measure(kind) {
  const files = generate(kind);
  const setup = () => prepared(kind);
  const floor = await median(RUNS, setup, (url) => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', files.psql, url]));
  const library = await median(RUNS, setup, (url) => new MigrationRunner({ databaseUrl: url, dir: files.ogel }).migrate());
  const cli = await median(RUNS, setup, (url) => run(process.execPath, [BIN, 'migrate', '--dir', files.ogel, '--database-url', url]));
  const dbmate = await median(RUNS, setup, (url) => run(bin('dbmate'), ['--url', `${url}?sslmode=disable`, '--migrations-dir', files.dbmate, '--no-dump-schema', 'up'])).catch((e) => (console.error(`dbmate: ${e.message.slice(0, 200)}`), null));
  const npm = await median(RUNS, setup, (url) => run(bin('node-pg-migrate'), ['up', '-m', files.npm, '--no-check-order', '--no-single-transaction'], { env: { ...process.env, DATABASE_URL: url } })).catch((e) => (console.error(`node-pg-migrate: ${e.message.slice(0, 200)}`), null));
  return [
    { tool: 'psql (floor: one session, a transaction per file)', time: ms(floor), ratio: '1.00x' },
    { tool: 'ogel-migrate (library)', time: ms(library), ratio: ratio(library, floor) },
    { tool: 'ogel-migrate (CLI process)', time: ms(cli), ratio: ratio(cli, floor) },
    { tool: 'dbmate', time: ms(dbmate), ratio: ratio(dbmate, floor) },
    { tool: 'node-pg-migrate', time: ms(npm), ratio: ratio(npm, floor) },
  ];
}

export default async function applyBench() {
  report('apply-trivial', `Apply ${COUNT} trivial migrations (table + index), median of ${RUNS}`, await measure('trivial'), { target: '≤ 1.05x floor' });
  report('apply-tiny', `Apply ${COUNT} tiny migrations (one INSERT), median of ${RUNS}`, await measure('tiny'), { target: '≤ 1.15x floor' });
}
