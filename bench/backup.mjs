// Backup and restore of a pgbench database (BENCH_BACKUP_SCALE: 70 ≈ 1 GB, default 10 ≈ 150 MB) to and from
// the local store and an S3-protocol server (s3rver on 127.0.0.1, the test harness's), next to raw
// `pg_dump -Fc` into a file, raw `pg_dump -Fc` streamed into the same bucket by a plain upload
// (bench/backup-s3-floor.mjs) and `pg_restore` of the file into a fresh database. Contenders run in interleaved
// rounds (BENCH_BACKUP_RUNS, default 1); the RTO is a restore's start to the first query the restored database
// answered, as `restore --json` reports it. Each round runs the contenders in another order, each after a
// CHECKPOINT: the writes one restore leaves behind must not land in the next one's time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, ms, report, run, BIN, PG_BIN, sql } from './lib.mjs';
import { startTestS3 } from './s3.mjs';

const S3_FLOOR = new URL('./backup-s3-floor.mjs', import.meta.url).pathname;

const SCALE = Number(process.env.BENCH_BACKUP_SCALE ?? 10);
const RUNS = Number(process.env.BENCH_BACKUP_RUNS ?? 1);

export default async function backupBench() {
  const url = await freshDatabase('bk');
  const started = performance.now();
  await run(`${PG_BIN}/pgbench`, ['-i', '-q', '-s', String(SCALE), url]);
  const [{ size }] = await sql(url, 'SELECT pg_database_size(current_database())::bigint AS size');
  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const s3 = await startTestS3(join(dir, 's3'));
  const env = { ...process.env, ...s3.env };
  const empty = join(dir, 'migrations');
  await run('mkdir', ['-p', empty]);
  const raw = join(dir, 'raw.dump');
  const stores = { local: join(dir, 'store'), s3: `s3://${s3.bucket}/bench` };
  const cli = (args, store) =>
    run(process.execPath, [BIN, ...args, '--dir', empty, '--database-url', url, '--backup-dir', store], { env });
  try {
    const dumps = await rotated(url, RUNS, {
      raw: { run: () => run('pg_dump', ['--format', 'custom', '--file', raw, '--dbname', url]) },
      s3floor: { run: () => run(process.execPath, [S3_FLOOR, url, s3.bucket, 'floor/raw.dump'], { env }) },
      local: { run: () => cli(['backup', '--keep', '1'], stores.local) },
      s3: { run: () => cli(['backup', '--keep', '1'], stores.s3) },
    });
    const ids = {
      local: JSON.parse(await cli(['backups', '--json'], stores.local)).backups[0].id,
      s3: JSON.parse(await cli(['backups', '--json'], stores.s3)).backups[0].id,
    };
    const rto = { local: [], s3: [] };
    const restoreInto = (where) => async (target) => {
      const result = JSON.parse(await cli(['restore', ids[where], '--to-database', target, '--json'], stores[where]));
      rto[where].push(result.rtoMs);
    };
    const fresh = () => freshDatabase('rawrestore');
    const name = () => `ourrestore_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    const restores = await rotated(url, RUNS, {
      raw: { setup: fresh, run: (target) => run('pg_restore', ['--exit-on-error', '--dbname', target, raw]) },
      local: { setup: name, run: restoreInto('local') },
      s3: { setup: name, run: restoreInto('s3') },
    });
    const x = (r) => `${r.toFixed(2)}x`;
    report(
      'backup',
      `Backup and restore of a ${(Number(size) / 2 ** 20).toFixed(0)} MiB pgbench database (scale ${SCALE}; generated in ${Math.round((performance.now() - started) / 1000)} s)`,
      [
        { step: 'pg_dump -Fc into a file (raw)', time: ms(dumps.raw.time), ratio: '1.00x', rto: '' },
        { step: 'ogel-migrate backup → local store', time: ms(dumps.local.time), ratio: x(dumps.local.ratio), rto: '' },
        {
          step: 'pg_dump -Fc streamed into S3 (plain upload: the S3 floor)',
          time: ms(dumps.s3floor.time),
          ratio: x(dumps.s3floor.ratio),
          rto: '',
        },
        {
          step: 'ogel-migrate backup → S3 (s3rver)',
          time: ms(dumps.s3.time),
          ratio: `${x(dumps.s3.ratio)} (${x(relative(dumps.s3, dumps.s3floor))} the S3 floor)`,
          rto: '',
        },
        { step: 'pg_restore of the file (raw)', time: ms(restores.raw.time), ratio: '1.00x', rto: '' },
        {
          step: 'ogel-migrate restore ← local store',
          time: ms(restores.local.time),
          ratio: x(restores.local.ratio),
          rto: ms(middle(rto.local)),
        },
        {
          step: 'ogel-migrate restore ← S3 (s3rver)',
          time: ms(restores.s3.time),
          ratio: x(restores.s3.ratio),
          rto: ms(middle(rto.s3)),
        },
      ],
      { target: 'ratio ≤ 1.15x to raw pg_dump -Fc / pg_restore; RTO under 5 minutes' },
    );
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Like lib.mjs's interleaved (a warm-up round, then per-round ratios to the first contender, median), with the
 * order rotated every round and a CHECKPOINT before each contender.
 */
async function rotated(url, times, contenders) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -1; round < times; round++) {
    const order = names.map((_, i) => names[(i + Math.max(0, round)) % names.length]);
    for (const name of order) {
      const { setup, run: fn } = contenders[name];
      const context = setup ? await setup() : undefined;
      await sql(url, 'CHECKPOINT');
      const started = performance.now();
      await fn(context);
      if (round >= 0) samples[name].push(performance.now() - started);
    }
  }
  if (process.env.BENCH_VERBOSE)
    console.log(JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(Math.round)]))));
  const base = samples[names[0]];
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        time: middle(samples[name]),
        ratio: middle(samples[name].map((t, i) => t / base[i])),
        samples: samples[name],
      },
    ]),
  );
}

/** The median of the per-round ratios of one contender to another. */
function relative(contender, floor) {
  return middle(contender.samples.map((t, i) => t / floor.samples[i]));
}

/** The median (of an even count, the mean of the two middle values). */
function middle(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}
