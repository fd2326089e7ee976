import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, likeExactly, query, whenRunning } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { ADMIN, READ, startTestServer } from '../harness/server.js';
import { ROUTES } from '../../src/contract/routes.js';

const files = {
  '001_a.sql': 'CREATE TABLE a (id int);',
  '001_a.down.sql': 'DROP TABLE a;',
  '002_b.sql': 'CREATE TABLE b (id int);\nSELECT pg_sleep(0.1);',
  '002_b.down.sql': 'DROP TABLE b;',
  '003_c.sql': 'CREATE TABLE c (id int);',
  '003_c.down.sql': 'DROP TABLE c;',
};

const servers: Array<{ shutdown(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

async function setup(migrations: Record<string, string> = files) {
  const db = await createTestDatabase();
  const dir = await writeMigrations(migrations);
  const server = await startTestServer({ databaseUrl: db.url, dir });
  servers.push(server);
  return { db, dir, server };
}

describe('HTTP service', () => {
  it('auth matrix: none / wrong / read / admin on GET and POST; /health and /ready are public', async () => {
    const { server } = await setup();
    const status = (path: string, token: string | null, method = 'GET') =>
      server
        .fetch(path, { method, token, ...(method === 'POST' ? { body: '{"dryRun":true}' } : {}) })
        .then((r) => r.status);
    expect(await status('/health', null)).toBe(200);
    expect(await status('/ready', null)).toBe(200);
    expect(await status('/status', null)).toBe(401);
    expect(await status('/status', 'wrong')).toBe(401);
    expect(await status('/status', READ)).toBe(200);
    expect(await status('/status', ADMIN)).toBe(200);
    expect(await status('/migrate', null, 'POST')).toBe(401);
    expect(await status('/migrate', 'wrong', 'POST')).toBe(401);
    expect(await status('/migrate', READ, 'POST')).toBe(403);
    expect(await status('/migrate', ADMIN, 'POST')).toBe(200);
    expect(await status('/openapi.json', null)).toBe(401);
    expect(await status('/metrics', READ)).toBe(200);
    const unauthorized = await server.fetch('/status', { token: null });
    expect(unauthorized.headers.get('www-authenticate')).toContain('Bearer');
    const session = await (await server.fetch('/session', { token: READ })).json();
    expect(session).toMatchObject({
      role: 'read',
      actor: 'token read',
      environments: [{ name: 'default', protected: false, after: null, writable: false }],
    });
  });

  it('GET /status is exactly status --json; POST /migrate applies and reports', async () => {
    const { server, db } = await setup();
    const before = await (await server.fetch('/status')).json();
    expect(Object.keys(before)).toEqual(['table', 'current', 'counts', 'migrations', 'ignored']);
    expect(before.counts.pending).toBe(3);
    const dry = await (
      await server.fetch('/migrate', { method: 'POST', body: JSON.stringify({ dryRun: true, to: '002' }) })
    ).json();
    expect(dry.planned.map((p: { version: string }) => p.version)).toEqual(['001', '002']);
    const run = await server.fetch('/migrate', { method: 'POST', body: '{}' });
    expect(run.status).toBe(200);
    expect((await run.json()).applied.map((a: { version: string }) => a.version)).toEqual(['001', '002', '003']);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM platform.schema_migrations')).toEqual([{ n: 3 }]);
    const [row] = await query<{ applied_by: string }>(
      db.url,
      "SELECT applied_by FROM platform.schema_migrations WHERE version = '001'",
    );
    // The actor is the token that asked, not the server's OS user.
    expect(row!.applied_by).toMatch(/\(token admin, pid \d+\)/);
    const rolled = await (
      await server.fetch('/rollback', { method: 'POST', body: JSON.stringify({ steps: 2 }) })
    ).json();
    expect(rolled.reverted.map((r: { version: string }) => r.version)).toEqual(['003', '002']);
  });

  it('20 concurrent POST /migrate apply each migration exactly once; the others get 409 naming the holder', async () => {
    const { server, db } = await setup();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => server.fetch('/migrate', { method: 'POST', body: '{}' })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    const conflict = responses.find((r) => r.status === 409);
    if (conflict) {
      const body = await conflict.json();
      expect(body.error.code).toBe('LOCK_TIMEOUT');
      expect(body.error.details.holder).toMatchObject({ pid: expect.any(Number), since: expect.any(String) });
    }
    const events = await query(
      db.url,
      "SELECT version, count(*)::int AS n FROM platform.schema_migration_events WHERE event = 'apply' GROUP BY version ORDER BY version",
    );
    expect(events).toEqual([
      { version: '001', n: 1 },
      { version: '002', n: 1 },
      { version: '003', n: 1 },
    ]);
    const waited = await Promise.all(
      Array.from({ length: 5 }, () => server.fetch('/migrate?wait=true', { method: 'POST', body: '{}' })),
    );
    expect(waited.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('two replicas on one database apply each migration exactly once', async () => {
    const { server, db, dir } = await setup();
    const replica = await startTestServer({ databaseUrl: db.url, dir });
    servers.push(replica);
    const responses = await Promise.all([
      ...Array.from({ length: 5 }, () => server.fetch('/migrate?wait=true', { method: 'POST', body: '{}' })),
      ...Array.from({ length: 5 }, () => replica.fetch('/migrate?wait=true', { method: 'POST', body: '{}' })),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const applied = (await Promise.all(responses.map((r) => r.json())))
      .flatMap((b) => b.applied.map((a: { version: string }) => a.version))
      .sort();
    expect(applied).toEqual(['001', '002', '003']);
    expect(
      await query(db.url, "SELECT count(*)::int AS n FROM platform.schema_migration_events WHERE event = 'apply'"),
    ).toEqual([{ n: 3 }]);
  });

  it('a failing migration is a 422 with file, line, statement and message; the server stays healthy', async () => {
    const { server } = await setup({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_bad.sql': "CREATE TABLE t (id int);\nINSERT INTO t VALUES ('x');",
    });
    const response = await server.fetch('/migrate', { method: 'POST', body: '{}' });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.error).toMatchObject({
      code: 'MIGRATION_FAILED',
      details: {
        file: '002_bad.sql',
        line: 2,
        column: 23,
        sqlState: '22P02',
        statement: "INSERT INTO t VALUES ('x')",
        appliedBeforeFailure: ['001'],
      },
    });
    expect(body.error.message).toContain('invalid input syntax for type integer');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
    expect((await server.fetch('/health')).status).toBe(200);
    expect((await (await server.fetch('/status')).json()).current).toBe('001');
  });

  it('bad input is always a 4xx JSON, never a 5xx', async () => {
    const { server } = await setup();
    const cases: Array<[string, RequestInit & { token?: string | null }, number]> = [
      ['/migrate', { method: 'POST', body: '{"dryRun": tru' }, 400],
      ['/migrate', { method: 'POST', body: '{"dryRun": "yes"}' }, 400],
      ['/migrate', { method: 'POST', body: '{"to": 8}' }, 400],
      ['/migrate', { method: 'POST', body: '{"unknown": 1}' }, 400],
      ['/migrate', { method: 'POST', body: '[1,2]' }, 400],
      ['/migrate', { method: 'POST', body: JSON.stringify({ to: 'x'.repeat(70_000) }) }, 413],
      ['/rollback', { method: 'POST', body: '{"steps": 0}' }, 400],
      ['/rollback', { method: 'POST', body: '{"steps": 1, "to": "001"}' }, 400],
      ['/rollback', { method: 'POST', body: '{"steps": 1.5}' }, 400],
      ['/migrate', { method: 'POST', body: '{"to": "999"}' }, 400],
      ['/migrate', { method: 'GET' }, 405],
      ['/status', { method: 'DELETE' }, 405],
      ['/nope', {}, 404],
      ['/migrations/..%2F..%2Fetc%2Fpasswd', {}, 400],
      ['/migrations/999', {}, 404],
      ['/assets/..%2F..%2Fpackage.json', { token: null }, 404],
      ['/history?limit=0', {}, 400],
      ['/history?limit=abc', {}, 400],
      ['/history?bogus=1', {}, 400],
      ['/history?event=bogus', {}, 400],
      ['/plan?operation=migrate&steps=1', {}, 400],
      ['/status?env=nowhere', {}, 404],
      ['/migrate?wait=maybe', { method: 'POST', body: '{}' }, 400],
    ];
    for (const [path, init, expected] of cases) {
      const response = await server.fetch(path, init);
      expect([path, response.status]).toEqual([path, expected]);
      const body = await response.json();
      expect(body.error.code).toEqual(expect.any(String));
      expect(body.error.message).toEqual(expect.any(String));
    }
    const badField = await (await server.fetch('/migrate', { method: 'POST', body: '{"dryRun": "yes"}' })).json();
    expect(badField.error.details.issues[0].path).toBe('dryRun');
    const injected = await server.fetch('/status', {
      headers: { 'X-Request-Id': 'abc\r\nSet-Cookie: x=1'.replace(/\r\n/g, ' ') },
    });
    expect(injected.headers.get('set-cookie')).toBeNull();
    expect(injected.headers.get('x-request-id')).not.toContain('Set-Cookie');
    expect((await server.fetch('/health')).status).toBe(200);
  });

  it('a repeatable migration is read by its tracking key (R_views) like any version', async () => {
    const { server } = await setup({ ...files, 'R_views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1 AS one;' });
    await server.fetch('/migrate', { method: 'POST', body: '{}' });
    const detail = await server.fetch('/migrations/R_views');
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ version: 'R_views', state: 'applied', file: 'R_views.sql' });
    const history = await (await server.fetch('/history?version=R_views')).json();
    expect(history.events.map((e: { version: string; event: string }) => [e.version, e.event])).toEqual([
      ['R_views', 'apply'],
    ]);
    expect((await server.fetch('/migrations/R_')).status).toBe(400);
  });

  it('history is newest first and paginated; metrics count runs', async () => {
    const { server } = await setup();
    await server.fetch('/migrate', { method: 'POST', body: '{}' });
    const first = await (await server.fetch('/history?limit=2')).json();
    expect(first.events.map((e: { version: string }) => e.version)).toEqual(['003', '002']);
    const second = await (await server.fetch(`/history?limit=2&before=${first.nextBefore}`)).json();
    expect(second.events.map((e: { version: string }) => e.version)).toEqual(['001']);
    expect(second.nextBefore).toBeNull();
    // A request refused before its run started is the caller's 400, not a failed run in the metrics.
    expect((await server.fetch('/migrate', { method: 'POST', body: '{"to":"999"}' })).status).toBe(400);
    const metrics = await (await server.fetch('/metrics')).text();
    expect(metrics).toContain('ogel_migrate_runs_total{env="default",operation="migrate",outcome="success"} 1');
    expect(metrics).not.toContain('outcome="failure"');
    expect(metrics).toMatch(/ogel_migrate_migration_duration_seconds_count\{env="default",direction="up"\} 3/);
    expect(metrics).toContain('ogel_migrate_pending_migrations{env="default"} 0');
    const detail = await (await server.fetch('/migrations/002')).json();
    expect(detail).toMatchObject({
      version: '002',
      name: 'b',
      file: '002_b.sql',
      up: expect.stringContaining('CREATE TABLE b'),
      down: 'DROP TABLE b;',
    });
    expect(detail.events.map((e: { event: string }) => e.event)).toEqual(['apply']);
    expect(detail.lint).toEqual([]);
    const openapi = await (await server.fetch('/openapi.json')).json();
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/migrate',
        '/rollback',
        '/status',
        '/history',
        '/events',
        '/metrics',
        '/plan',
        '/environments',
      ]),
    );
    // Generated from the contract: every route is there, every success has a schema, every body its schema.
    for (const spec of Object.values(ROUTES)) {
      const operation = openapi.paths[spec.path.replace(/:(\w+)/g, '{$1}')][spec.method.toLowerCase()];
      const content = Object.values(operation.responses['200'].content) as Array<{ schema: object }>;
      expect(content[0]!.schema, `${spec.method} ${spec.path}`).toBeTypeOf('object');
      if ('body' in spec) expect(operation.requestBody.content['application/json'].schema).toBeTypeOf('object');
    }
    expect(openapi.paths['/migrate'].post.responses['428'].description).toContain('CONFIRMATION_REQUIRED');
    const migrateSchema = openapi.paths['/migrate'].post.responses['200'].content['application/json'].schema;
    expect(migrateSchema.required).toEqual(expect.arrayContaining(['planId', 'review', 'backup', 'applied']));
  });

  it('SSE streams the run in order', async () => {
    const { server } = await setup();
    const controller = new AbortController();
    const response = await server.fetch('/events', { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const names: string[] = [];
    const reading = (async () => {
      let buffer = '';
      while (!names.includes('run:end')) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (const match of buffer.matchAll(/^event: (.+)$/gm))
          if (!names.includes(match[1]!) || match[1] === 'migration:done') names.push(match[1]!);
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await server.fetch('/migrate', { method: 'POST', body: '{}' });
    await reading;
    controller.abort();
    expect(names.filter((n) => n !== 'ready' && n !== 'lock:acquired' && n !== 'migration:start')).toEqual([
      'run:start',
      'migration:done',
      'migration:done',
      'migration:done',
      'run:end',
    ]);
  });

  it('never puts the database password or a token in a response or a log line', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;' });
    const badUrl = db.url.replace(':postgres@', ':wrong-secret-pw@');
    const server = await startTestServer({ databaseUrl: badUrl, dir });
    servers.push(server);
    // A readiness probe must fail while the database does not answer (it once answered 200 {}).
    const ready = await server.fetch('/ready', { token: null });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'DB_CONNECTION', details: { env: 'default' } } });
    const bodies = await Promise.all(
      ['/status', '/ready', '/history'].map(async (p) => (await server.fetch(p)).text()),
    );
    bodies.push(await (await server.fetch('/migrate', { method: 'POST', body: '{}' })).text());
    const everything = bodies.join('\n') + server.logs.join('\n');
    expect(everything).toContain('DB_CONNECTION');
    expect(everything).not.toContain('wrong-secret-pw');
    expect(everything).not.toContain(ADMIN);
    expect(everything).not.toContain(READ);
  });

  it('graceful shutdown mid-run lets the migration finish, starts no other, releases the lock and stops accepting', async () => {
    const { server, db } = await setup({
      '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1);\nINSERT INTO slow VALUES (1);',
      '002_next.sql': 'CREATE TABLE next (id int);',
    });
    const run = server.fetch('/migrate', { method: 'POST', body: '{}' });
    await whenRunning({ databaseLike: likeExactly(db.name), queryLike: '%pg_sleep(1)%' }, 10_000);
    const stopping = server.shutdown();
    const response = await run;
    await stopping;
    // The caller learns what happened before the server goes: 001 complete, 002 never started.
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.error.code).toBe('INTERRUPTED');
    expect(body.error.message).toContain('stopped before 002_next.sql; the 1 migration(s) before it are complete');
    expect(await query(db.url, 'SELECT id FROM slow')).toEqual([{ id: 1 }]);
    expect(await query(db.url, 'SELECT version FROM platform.schema_migrations')).toEqual([{ version: '001' }]);
    expect(await query(db.url, "SELECT to_regclass('next') AS r")).toEqual([{ r: null }]);
    expect(await server.runner.lockHolder()).toBeNull();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});

describe('checks over HTTP', () => {
  it('GET /drift (read), POST /verify (admin) and the last report at GET /verify', async () => {
    const { server, db } = await setup();
    await server.fetch('/migrate', { method: 'POST', body: '{}' });
    expect(await (await server.fetch('/drift', { token: READ })).json()).toMatchObject({ drifted: false });
    await query(db.url, 'CREATE INDEX b_id_idx ON b (id)');
    const drift = await (await server.fetch('/drift', { token: READ })).json();
    expect(drift.differences.map((d: { description: string }) => d.description)).toContain(
      'index public.b_id_idx exists in the database but no migration creates it',
    );
    expect(await (await server.fetch('/verify', { token: READ })).json()).toEqual({ report: null });
    expect((await server.fetch('/verify', { method: 'POST', body: '{}', token: READ })).status).toBe(403);
    expect((await server.fetch('/verify', { method: 'POST', body: '{"x":1}' })).status).toBe(400);
    const run = await (await server.fetch('/verify', { method: 'POST', body: '{}' })).json();
    expect(run.report.results.map((r: { outcome: string }) => r.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect((await (await server.fetch('/verify', { token: READ })).json()).report.ok).toBe(true);
  });
});

describe('slow clients', () => {
  it('stalled connections (headers or body never finished) do not stop the server answering others', async () => {
    const { server } = await setup();
    const { connect } = await import('node:net');
    const url = new URL(server.url);
    const sockets = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          new Promise<import('node:net').Socket>((resolve) => {
            const socket = connect(Number(url.port), url.hostname, () => {
              socket.write(
                i % 2 === 0
                  ? 'GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: '
                  : `POST /migrate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Length: 1000\r\n\r\n{"dry`,
              );
              resolve(socket);
            });
            socket.on('error', () => {});
          }),
      ),
    );
    try {
      for (let i = 0; i < 5; i++) expect((await server.fetch('/health')).status).toBe(200);
      expect((await server.fetch('/status')).status).toBe(200);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
  });
});
