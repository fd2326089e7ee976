// Rollback testing cost: `verify` of 200 generated migrations (each with its down) over a plain apply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MigrationRunner } from '../dist/index.js';
import { DEFAULT_EXECUTION, runUntracked } from '../dist/db/execute-script.js';
import { ensureParser } from '../dist/sql/parser.js';
import { prepareScript } from '../dist/sql/prepare-script.js';
import { createScratchOnServer } from '../dist/verify/scratch.js';
import { freshDatabase, interleaved, ms, report, tableHistory } from './lib.mjs';

const COUNT = Number(process.env.BENCH_VERIFY_COUNT ?? 200);

export default async function verifyBench() {
  const dir = tableHistory(COUNT, 'bench-verify-');
  const serverUrl = await freshDatabase('vserver');
  const { apply, floor, verify, sequential } = await interleaved(7, {
    apply: {
      setup: () => freshDatabase('vapply'),
      run: (url) => new MigrationRunner({ databaseUrl: url, dir }).migrate(),
    },
    // The floor of any rollback test: the same scratch database and up, down, up — with no schema comparison.
    floor: {
      run: async () => {
        await ensureParser();
        const scratch = await createScratchOnServer(serverUrl);
        const client = new pg.Client({ connectionString: scratch.url });
        await client.connect();
        let dirty = true;
        for (let i = 1; i <= COUNT; i++) {
          const file = join(dir, `${String(i).padStart(4, '0')}_m${i}`);
          const up = prepareScript('up.sql', readFileSync(`${file}.sql`, 'utf8'));
          const down = prepareScript('down.sql', readFileSync(`${file}.down.sql`, 'utf8'));
          // Reset after a script that may have changed the session, as verify (and a tracked run) does.
          for (const script of [up, down, up]) {
            await runUntracked(client, script, DEFAULT_EXECUTION, dirty);
            dirty = script.changesSession;
          }
        }
        await client.end();
        await scratch.drop();
      },
    },
    // The default: two scratch databases test segments of the set in parallel.
    verify: {
      run: async () => {
        const result = await new MigrationRunner({ databaseUrl: serverUrl, dir }).verify();
        if (!result.ok) throw new Error('verify failed on the generated set');
      },
    },
    sequential: {
      run: async () => {
        const result = await new MigrationRunner({ databaseUrl: serverUrl, dir }).verify({ jobs: 1 });
        if (!result.ok) throw new Error('verify --jobs 1 failed on the generated set');
      },
    },
  });
  report(
    'verify',
    `verify (up, down, up with a schema snapshot after each) of ${COUNT} migrations vs a plain apply`,
    [
      { run: 'migrate (plain apply)', time: ms(apply.time), ratio: '1.00x' },
      { run: 'up, down, up without snapshots (floor)', time: ms(floor.time), ratio: `${floor.ratio.toFixed(2)}x` },
      { run: 'verify (default: --jobs 2)', time: ms(verify.time), ratio: `${verify.ratio.toFixed(2)}x` },
      { run: 'verify --jobs 1 (one connection)', time: ms(sequential.time), ratio: `${sequential.ratio.toFixed(2)}x` },
    ],
    { target: '≤ 3.5x' },
  );
}
