// 1000 generated migrations applied to an empty database: ogel-migrate vs the psql floor vs dbmate and
// node-pg-migrate, on the same server in one run. Two sets: "trivial" (table + index) and "tiny" (one INSERT),
// where the tool's own per-migration overhead shows.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationRunner } from '../dist/index.js';
import { BIN, freshDatabase, interleaved, ms, report, run, ROOT, sql } from './lib.mjs';

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function generate(kind) {
  const root = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const dirs = { ogel: join(root, 'ogel'), dbmate: join(root, 'dbmate'), npm: join(root, 'npm') };
  Object.values(dirs).forEach((d) => mkdirSync(d));
  let psql = '';
  for (let i = 1; i <= COUNT; i++) {
    const v = String(i).padStart(5, '0');
    const body =
      kind === 'tiny'
        ? `INSERT INTO bench_rows VALUES (${i});`
        : `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text);\nCREATE INDEX t${i}_name_idx ON t${i} (name);`;
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
  const only = process.env.BENCH_APPLY_TOOLS?.split(',');
  const contenders = {
    floor: (url) => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', files.psql, url]),
    library: (url) => new MigrationRunner({ databaseUrl: url, dir: files.ogel }).migrate(),
    cli: (url) => run(process.execPath, [BIN, 'migrate', '--dir', files.ogel, '--database-url', url]),
    dbmate: (url) =>
      run(bin('dbmate'), [
        '--url',
        `${url}?sslmode=disable`,
        '--migrations-dir',
        files.dbmate,
        '--no-dump-schema',
        'up',
      ]),
    npm: (url) =>
      run(bin('node-pg-migrate'), ['up', '-m', files.npm, '--no-check-order', '--no-single-transaction'], {
        env: { ...process.env, DATABASE_URL: url },
      }),
  };
  const chosen = Object.fromEntries(
    Object.entries(contenders)
      .filter(([name]) => name === 'floor' || !only || only.includes(name))
      .map(([name, fn]) => [name, { setup, run: fn }]),
  );
  const results = await interleaved(RUNS, chosen);
  const row = (tool, name) =>
    results[name] ? { tool, time: ms(results[name].time), ratio: `${results[name].ratio.toFixed(2)}x` } : null;
  return [
    row('psql (floor: one session, a transaction per file)', 'floor'),
    row('ogel-migrate (library)', 'library'),
    row('ogel-migrate (CLI process)', 'cli'),
    row('dbmate', 'dbmate'),
    row('node-pg-migrate', 'npm'),
  ].filter(Boolean);
}

export default async function applyBench() {
  const kinds = process.env.BENCH_APPLY_KINDS?.split(',') ?? ['trivial', 'tiny'];
  const title = (what) =>
    `Apply ${COUNT} ${what}, median of ${RUNS} interleaved rounds (ratio: median of the per-round ratios)`;
  if (kinds.includes('trivial'))
    report('apply-trivial', title('trivial migrations (table + index)'), await measure('trivial'), {
      target: '≤ 1.05x floor',
    });
  if (kinds.includes('tiny'))
    report('apply-tiny', title('tiny migrations (one INSERT)'), await measure('tiny'), { target: '≤ 1.15x floor' });
}
