// Rollback testing cost: `verify` of 200 generated migrations (each with its down) over a plain apply.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationRunner } from '../dist/index.js';
import { freshDatabase, median, ms, ratio, report } from './lib.mjs';

const COUNT = Number(process.env.BENCH_VERIFY_COUNT ?? 200);

export default async function verifyBench() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-verify-'));
  for (let i = 1; i <= COUNT; i++) {
    const v = String(i).padStart(4, '0');
    writeFileSync(join(dir, `${v}_m${i}.sql`), `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '');\nCREATE INDEX t${i}_name_idx ON t${i} (name);`);
    writeFileSync(join(dir, `${v}_m${i}.down.sql`), `DROP TABLE t${i};`);
  }
  const apply = await median(3, () => freshDatabase('vapply'), (url) => new MigrationRunner({ databaseUrl: url, dir }).migrate());
  const serverUrl = await freshDatabase('vserver');
  const verify = await median(3, () => null, async () => {
    const result = await new MigrationRunner({ databaseUrl: serverUrl, dir }).verify();
    if (!result.ok) throw new Error('verify failed on the generated set');
  });
  report('verify', `verify (up, down, up with a schema snapshot after each) of ${COUNT} migrations vs a plain apply`, [
    { run: 'migrate (plain apply)', time: ms(apply), ratio: '1.00x' },
    { run: 'verify', time: ms(verify), ratio: ratio(verify, apply) },
  ], { target: '≤ 3.5x' });
}
