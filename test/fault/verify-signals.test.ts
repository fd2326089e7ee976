import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, BUN } from '../harness/cli.js';
import { adminUrl, createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the server until `sql` returns a row. */
async function untilRow(url: string, sql: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await query(url, sql).catch(() => [])).length > 0) return;
    await sleep(10);
  }
  throw new Error(`never saw: ${sql}`);
}

const sleepingIn = (database: string, seconds: number | string) =>
  `SELECT 1 FROM pg_stat_activity WHERE datname ${database} AND state = 'active' AND query LIKE '%pg_sleep(${seconds})%' AND pid <> pg_backend_pid()`;

function start(runtime: string[], args: string[], env: NodeJS.ProcessEnv = {}) {
  const [command, ...prefix] = runtime;
  const child = spawn(command!, [...prefix, BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, ended, stdout: () => stdout, stderr: () => stderr };
}

async function scratchExists(description: string): Promise<boolean> {
  const name = /database (\S+) on/.exec(description)![1]!;
  return (await query(adminUrl(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
}

const files = {
  '001_a.sql': 'CREATE TABLE a (id int);',
  '001_a.down.sql': 'DROP TABLE a;',
  '002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(6);',
  '002_slow.down.sql': 'DROP TABLE slow;',
  '003_c.sql': 'CREATE TABLE c (id int);',
  '003_c.down.sql': 'DROP TABLE c;',
};

describe('verify interrupted during a long query', () => {
  it.each([
    ['SIGTERM', 'node', 143],
    ['SIGINT', 'bun', 130],
  ] as const)(
    '%s under %s: --json prints the partial report, the scratch database is dropped, exit %i',
    async (signal, runtime, status) => {
      const db = await createTestDatabase();
      const dir = await writeMigrations(files);
      const run = start(runtime === 'bun' ? [BUN] : [process.execPath], [
        'verify',
        '--json',
        '--dir',
        dir,
        '--database-url',
        db.url,
      ]);
      await untilRow(adminUrl(), sleepingIn("LIKE 'ogel_verify%'", 6));
      run.child.kill(signal);
      expect(await run.ended).toEqual({ code: status, signal: null });
      const report = JSON.parse(run.stdout()) as {
        ok: boolean;
        interrupted: string;
        scratch: string;
        results: Array<{ version: string; outcome: string; error?: string }>;
      };
      expect(report).toMatchObject({ ok: false, interrupted: signal });
      expect(report.results.map((r) => [r.version, r.outcome])).toEqual([
        ['001', 'ok'],
        ['002', 'not-run'],
        ['003', 'not-run'],
      ]);
      expect(report.results[1]!.error).toBe(`not run: interrupted (${signal})`);
      expect(await scratchExists(report.scratch)).toBe(false);
      // The scratch database's backend was cancelled, not left sleeping.
      expect(
        await query(adminUrl(), sleepingIn("LIKE 'ogel_verify%'", 6).replace('SELECT 1', 'SELECT datname')),
      ).toEqual([]);
    },
  );

  it('as text: the results so far and a line saying it was interrupted', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const run = start([process.execPath], ['verify', '--dir', dir, '--database-url', db.url]);
    await untilRow(adminUrl(), sleepingIn("LIKE 'ogel_verify%'", 6));
    run.child.kill('SIGINT');
    expect((await run.ended).code).toBe(130);
    expect(run.stdout()).toMatch(
      /001_a +ok +\d+ ms\n {2}002_slow +not-run +\d+ ms\n {6}not run: interrupted \(SIGINT\)/,
    );
    expect(run.stdout()).toContain('Interrupted (SIGINT): the rest was not run; scratch databases dropped.');
    expect(await scratchExists(/Rollback test on (database \S+ on \S+):/.exec(run.stdout())![1]!)).toBe(false);
  });
});

describe('serve receives SIGTERM while a rollback test and a no-transaction migration run', () => {
  it('the migration finishes, the test stops and drops its scratch database, the process exits 0', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_notx.sql':
        '-- ogel:no-transaction\nCREATE TABLE n1 (id int);\nSELECT pg_sleep(1.5);\nCREATE TABLE n2 (id int);',
      '002_slow.sql': 'SELECT pg_sleep(6);',
    });
    const server = start(
      [process.execPath],
      ['serve', '--port', '0', '--host', '127.0.0.1', '--dir', dir, '--database-url', db.url],
      {
        OGEL_MIGRATE_TOKEN: 'verify-signals-test-token',
      },
    );
    for (let i = 0; i < 500 && !/on http:\/\/\S+ \(dashboard/.test(server.stderr()); i++) await sleep(10);
    const url = /on (http:\/\/\S+) \(dashboard/.exec(server.stderr())![1]!;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { Authorization: 'Bearer verify-signals-test-token' },
        body: JSON.stringify(body),
      });
    const migrate = post('/migrate', { to: '001' });
    const verify = post('/verify', {}).catch((e: unknown) => e);
    await untilRow(adminUrl(), sleepingIn(`= '${db.name}'`, 1.5));
    await untilRow(adminUrl(), sleepingIn("LIKE 'ogel_verify%'", '%'));
    server.child.kill('SIGTERM');
    expect((await migrate).status).toBe(200);
    expect(await server.ended).toEqual({ code: 0, signal: null });
    expect(
      await query(db.url, "SELECT to_regclass('n1') IS NOT NULL AS n1, to_regclass('n2') IS NOT NULL AS n2"),
    ).toEqual([{ n1: true, n2: true }]);
    expect(await query(db.url, 'SELECT version, status FROM platform.schema_migrations')).toEqual([
      { version: '001', status: 'applied' },
    ]);
    const response = await verify;
    expect(response).toBeInstanceOf(Response);
    const { report } = (await (response as Response).json()) as { report: { interrupted: string; scratch: string } };
    expect(report.interrupted).toBe('shutdown');
    expect(await scratchExists(report.scratch)).toBe(false);
  });
});
