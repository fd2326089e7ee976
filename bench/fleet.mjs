// Fleets: `fleet migrate` over 200 tenant databases × 20 migrations with --concurrency 8 against the same run one
// database after another (--concurrency 1), and `fleet status` over 1,000 tenants as a whole process. A server of
// its own (1,200 databases would weigh on the other benchmarks' catalogs), tenants made by CREATE DATABASE …
// TEMPLATE from a database already in the state a run starts from.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MigrationRunner } from '../dist/index.js';
import { freePort, startEmbeddedPostgres } from '../dist/db/embedded.js';
import { BIN, interleaved, ms, report, ROOT, run, spawnProcess } from './lib.mjs';

const TENANTS = Number(process.env.BENCH_FLEET_TENANTS ?? 200);
const MIGRATIONS = Number(process.env.BENCH_FLEET_MIGRATIONS ?? 20);
const STATUS_TENANTS = Number(process.env.BENCH_FLEET_STATUS_TENANTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = 8;
const LATENCY_MS = Number(process.env.BENCH_FLEET_LATENCY_MS ?? 2);

/** A realistic migration: a table with a key, a foreign key to the previous one, an index. */
function writeMigrations(dir) {
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= MIGRATIONS; i++) {
    const v = String(i).padStart(3, '0');
    const parent = i > 1 ? `, parent bigint REFERENCES app.t${i - 1}` : '';
    writeFileSync(
      join(dir, `${v}_t${i}.sql`),
      `${i === 1 ? 'CREATE SCHEMA app;\n' : ''}CREATE TABLE app.t${i} (id bigint PRIMARY KEY, name text NOT NULL${parent});\n` +
        `CREATE INDEX t${i}_name ON app.t${i} (name);`,
    );
  }
}

async function query(client, sql) {
  return (await client.query(sql)).rows;
}

/** `count` databases named `${prefix}_N` copied from `template`, a few at a time. */
async function createTenants(server, template, prefix, count) {
  const urls = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      while (next < count) {
        const name = `${prefix}_${next++}`;
        await query(client, `CREATE DATABASE ${name} TEMPLATE ${template}`);
        urls.push(server.urlFor(name));
      }
      await client.end();
    }),
  );
  return urls.sort((a, b) => Number(a.split('_').at(-1)) - Number(b.split('_').at(-1)));
}

/** Back to the empty state between rounds (not timed): the schema the migrations made and the tracking tables. */
async function reset(urls) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < urls.length) {
        const client = new pg.Client({ connectionString: urls[next++] });
        await client.connect();
        await query(client, 'DROP SCHEMA IF EXISTS app CASCADE; DROP SCHEMA IF EXISTS platform CASCADE');
        await client.end();
      }
    }),
  );
}

export default async function fleetBench() {
  const root = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  const dir = join(root, 'migrations');
  writeMigrations(dir);
  const server = await startEmbeddedPostgres({ settings: { max_connections: '100' } });
  const rows = [];
  try {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await query(admin, 'CREATE DATABASE tenant_empty');

    // 1. migrate: one set of tenants, put back to the empty state before every run (not timed).
    const started = performance.now();
    const tenants = await createTenants(server, 'tenant_empty', 'm', TENANTS);
    console.log(`(fleet: ${TENANTS} tenant databases in ${Math.round((performance.now() - started) / 1000)} s)`);
    const direct = join(root, 'tenants.txt');
    writeFileSync(direct, `${tenants.join('\n')}\n`);
    // The same tenants behind a proxy adding LATENCY_MS each way: databases on another host.
    const proxyPort = await freePort();
    const proxy = spawnProcess(process.execPath, [
      join(ROOT, 'bench', 'latency-proxy.mjs'),
      String(proxyPort),
      String(server.port),
      String(LATENCY_MS),
    ]);
    await new Promise((resolve) => proxy.stdout.once('data', resolve));
    const remote = join(root, 'remote.txt');
    writeFileSync(remote, `${tenants.map((u) => u.replace(`:${server.port}/`, `:${proxyPort}/`)).join('\n')}\n`);
    const ours = (file, concurrency) => ({
      setup: () => reset(tenants),
      run: async () => {
        const out = JSON.parse(
          await run(process.execPath, [
            BIN,
            'fleet',
            'migrate',
            '--targets',
            file,
            '--dir',
            dir,
            '--concurrency',
            String(concurrency),
            '--json',
          ]),
        );
        if (out.counts.applied !== TENANTS)
          throw new Error(`fleet migrate applied ${out.counts.applied} of ${TENANTS}`);
      },
    });
    const floor = (concurrency) => ({
      setup: () => reset(tenants),
      run: () =>
        run(process.execPath, [join(ROOT, 'bench', 'fleet-floor.mjs'), 'migrate', direct, dir, String(concurrency)]),
    });
    try {
      const what = `${TENANTS} databases × ${MIGRATIONS} migrations`;
      const pair = async (label, one, many) => {
        const t = await interleaved(RUNS, { one, many });
        rows.push(
          { run: `${label}, one database after another`, time: ms(t.one.time), ratio: '1.00×', target: '' },
          {
            run: `${label}, ${CONCURRENCY} at once`,
            time: ms(t.many.time),
            ratio: `${t.many.ratio.toFixed(2)}×`,
            target: label.startsWith('ogel') ? '≤ 0.25×' : '',
          },
        );
      };
      await pair(`floor (bench/fleet-floor.mjs), ${what}`, floor(1), floor(CONCURRENCY));
      await pair(`ogel-migrate fleet migrate, ${what}`, ours(direct, 1), ours(direct, CONCURRENCY));
      await pair(
        `ogel-migrate fleet migrate, ${what}, +${LATENCY_MS} ms each way`,
        ours(remote, 1),
        ours(remote, CONCURRENCY),
      );
    } finally {
      proxy.kill();
    }
    for (let i = 0; i < TENANTS; i++) await query(admin, `DROP DATABASE m_${i}`);

    // 2. status: tenants copied from one with every migration applied (20 tracking rows each).
    const full = server.urlFor('tenant_full');
    await query(admin, 'CREATE DATABASE tenant_full');
    await new MigrationRunner({ databaseUrl: full, dir }).migrate();
    const made = performance.now();
    const urls = await createTenants(server, 'tenant_full', 'st', STATUS_TENANTS);
    console.log(`(fleet: ${STATUS_TENANTS} tenant databases in ${Math.round((performance.now() - made) / 1000)} s)`);
    const targets = join(root, 'status.txt');
    writeFileSync(targets, `${urls.join('\n')}\n`);
    const status = await interleaved(RUNS, {
      floor: {
        run: () =>
          run(process.execPath, [join(ROOT, 'bench', 'fleet-floor.mjs'), 'status', targets, dir, String(CONCURRENCY)]),
      },
      status: {
        run: async () => {
          const out = JSON.parse(
            await run(process.execPath, [
              BIN,
              'fleet',
              'status',
              '--targets',
              targets,
              '--dir',
              dir,
              '--concurrency',
              String(CONCURRENCY),
              '--json',
            ]),
          );
          if (out.counts['up-to-date'] !== STATUS_TENANTS)
            throw new Error(`fleet status: ${JSON.stringify(out.counts)}`);
        },
      },
      node: { run: () => run(process.execPath, ['-e', '0']) },
    });
    rows.push(
      {
        run: `floor (bench/fleet-floor.mjs status), ${STATUS_TENANTS} databases, ${CONCURRENCY} at once`,
        time: ms(status.floor.time),
        ratio: '1.00×',
        target: '',
      },
      {
        run: `ogel-migrate fleet status --json, ${STATUS_TENANTS} databases (whole process, --concurrency ${CONCURRENCY})`,
        time: ms(status.status.time),
        ratio: `${status.status.ratio.toFixed(2)}×`,
        target: '≤ 2000 ms',
      },
      { run: 'node -e 0 (Node start alone)', time: ms(status.node.time), ratio: '', target: '' },
    );
    for (let i = 0; i < STATUS_TENANTS; i++) await query(admin, `DROP DATABASE st_${i}`);

    // 3. status of a schema fleet: as many tenants as schemas of one database, read over one pool.
    await query(admin, 'CREATE DATABASE tenant_schemas');
    const schemasUrl = server.urlFor('tenant_schemas');
    await new MigrationRunner({ databaseUrl: schemasUrl, dir, schema: 's_0' }).migrate();
    const tenantsDb = new pg.Client({ connectionString: schemasUrl });
    await tenantsDb.connect();
    for (let i = 1; i < STATUS_TENANTS; i++) {
      await query(
        tenantsDb,
        `CREATE SCHEMA s_${i}; CREATE TABLE s_${i}.schema_migrations (LIKE s_0.schema_migrations INCLUDING ALL);
         INSERT INTO s_${i}.schema_migrations SELECT * FROM s_0.schema_migrations`,
      );
    }
    await tenantsDb.end();
    const configDir = join(root, 'schemas');
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, 'ogel-migrate.config.json'),
      JSON.stringify({
        dir,
        fleets: {
          tenants: {
            schemas: {
              databaseUrl: 'env:TENANTS_URL',
              query: "SELECT nspname AS schema FROM pg_namespace WHERE nspname LIKE 's\\_%'",
            },
            concurrency: CONCURRENCY,
          },
        },
      }),
    );
    const schemaStatus = await interleaved(RUNS, {
      status: {
        run: async () => {
          const out = JSON.parse(
            await run(process.execPath, [BIN, 'fleet', 'status', '--json'], {
              cwd: configDir,
              env: { ...process.env, TENANTS_URL: schemasUrl },
            }),
          );
          if (out.counts['up-to-date'] !== STATUS_TENANTS)
            throw new Error(`fleet status: ${JSON.stringify(out.counts)}`);
        },
      },
    });
    rows.push({
      run: `ogel-migrate fleet status --json, ${STATUS_TENANTS} tenant schemas of one database (whole process)`,
      time: ms(schemaStatus.status.time),
      ratio: '',
      target: '≤ 2000 ms',
    });
    await admin.end();
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
  report('fleet', `fleets, median of ${RUNS} interleaved rounds`, rows);
}
