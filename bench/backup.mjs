// Backup and restore of a pgbench database (BENCH_BACKUP_SCALE: 70 ≈ 1 GB, default 10 ≈ 150 MB) with
// ogel-migrate next to raw pg_dump -Fc / pg_restore of the same database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, median, ms, ratio, report, run, BIN, PG_BIN, sql } from './lib.mjs';

const SCALE = Number(process.env.BENCH_BACKUP_SCALE ?? 10);
const RUNS = Number(process.env.BENCH_BACKUP_RUNS ?? 1);

export default async function backupBench() {
  const url = await freshDatabase('bk');
  const started = performance.now();
  await run(`${PG_BIN}/pgbench`, ['-i', '-q', '-s', String(SCALE), url]);
  const [{ size }] = await sql(url, 'SELECT pg_database_size(current_database())::bigint AS size');
  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const empty = join(dir, 'migrations');
  await run('mkdir', ['-p', empty]);
  const raw = join(dir, 'raw.dump');
  const rawDump = await median(
    RUNS,
    () => null,
    () => run('pg_dump', ['--format', 'custom', '--file', raw, '--dbname', url]),
  );
  const oursDump = await median(
    RUNS,
    () => null,
    () =>
      run(process.execPath, [BIN, 'backup', '--dir', empty, '--database-url', url, '--backup-dir', join(dir, 'ours')]),
  );
  const id = JSON.parse(
    await run(process.execPath, [BIN, 'backups', '--json', '--dir', empty, '--database-url', url]),
  )[0].id;
  const rawRestore = await median(
    RUNS,
    () => freshDatabase('rawrestore'),
    (target) => run('pg_restore', ['--no-owner', '--jobs', '2', '--dbname', target, raw]),
  );
  const oursRestore = await median(
    RUNS,
    () => freshDatabase('ourrestore'),
    (target) =>
      run(process.execPath, [
        BIN,
        'restore',
        id,
        '--jobs',
        '2',
        '--to-database',
        target,
        '--dir',
        empty,
        '--database-url',
        url,
      ]),
  );
  rmSync(dir, { recursive: true, force: true });
  report(
    'backup',
    `Backup and restore of a ${(Number(size) / 2 ** 20).toFixed(0)} MiB pgbench database (scale ${SCALE}; generated in ${Math.round((performance.now() - started) / 1000)} s)`,
    [
      { step: 'pg_dump -Fc (raw)', time: ms(rawDump), ratio: '1.00x' },
      { step: 'ogel-migrate backup', time: ms(oursDump), ratio: ratio(oursDump, rawDump) },
      { step: 'pg_restore -j 2 (raw)', time: ms(rawRestore), ratio: '1.00x' },
      { step: 'ogel-migrate restore --jobs 2', time: ms(oursRestore), ratio: ratio(oursRestore, rawRestore) },
    ],
    { target: 'overhead ≤ 1.1x; restore of ~1 GB under 5 minutes' },
  );
}
