import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, BUN } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

/** Starts `ogel-migrate serve` as a real process and waits for the URL it prints. */
async function serve(args: string[], env: NodeJS.ProcessEnv, runtime: string[] = [process.execPath], ready = /on (http:\/\/\S+) \(dashboard/): Promise<{ child: ChildProcess; url: string; stderr: () => string; exit: Promise<number | null> }> {
  const [command, ...prefix] = runtime;
  const child = spawn(command!, [...prefix, BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /on (http:\/\/\S+) \(dashboard/.exec(stderr);
      if (match && ready.test(stderr)) resolve(match[1]!);
    });
    void exit.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exit };
}

describe('ogel-migrate serve (process)', () => {
  it('SIGTERM mid-run: the migration finishes, the process exits 0, nothing half-applied', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1);\nINSERT INTO slow VALUES (1);', '002_next.sql': 'CREATE TABLE next (id int);' });
    const server = await serve(['--dir', dir, '--database-url', db.url], { OGEL_MIGRATE_TOKEN: 'tok' });
    const run = fetch(`${server.url}/migrate`, { method: 'POST', headers: { Authorization: 'Bearer tok' }, body: '{}' });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    const response = await run;
    expect(response.status).toBe(200);
    expect(await server.exit).toBe(0);
    expect(await query(db.url, 'SELECT version FROM platform.schema_migrations ORDER BY 1')).toEqual([{ version: '001' }, { version: '002' }]);
    expect(await query(db.url, 'SELECT id FROM slow')).toEqual([{ id: 1 }]);
  });

  it('without OGEL_MIGRATE_TOKEN it generates one, prints it once, and requires it', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const server = await serve(['--dir', dir, '--database-url', db.url], {}, [process.execPath], /shown once\): \S+\n/);
    const token = /generated admin token \(shown once\): (\S+)/.exec(server.stderr())?.[1];
    expect(token).toMatch(/^[\w-]{20,}$/);
    expect((await fetch(`${server.url}/status`)).status).toBe(401);
    expect((await fetch(`${server.url}/status`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.stderr().split(token!).length).toBe(2);
  });

  it('runs under Bun', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE under_bun (id int);' });
    const server = await serve(['--dir', dir, '--database-url', db.url], { OGEL_MIGRATE_TOKEN: 'tok' }, [BUN]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const response = await fetch(`${server.url}/migrate`, { method: 'POST', headers: { Authorization: 'Bearer tok' }, body: '{}' });
    expect(response.status).toBe(200);
    server.child.kill('SIGTERM');
    await server.exit;
    expect(await query(db.url, "SELECT to_regclass('under_bun') IS NOT NULL AS ok")).toEqual([{ ok: true }]);
  });
});
