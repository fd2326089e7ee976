import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveTokens } from '../../src/app/tokens.js';
import { loadConfig } from '../../src/config/load.js';
import { openFleets } from '../../src/fleet/fleet.js';
import { startServer, type RunningServer } from '../../src/http/serve.js';
import { likeExactly, whenRunning } from '../harness/db.js';
import { addMigration, writeMigrations } from '../harness/migrations.js';
import { appliedIn, projectWithTargets, tenantDatabases } from './fixture.js';

const ADMIN = 'admin-token-for-fleet-tests';
const READ = 'read-token-for-fleet-tests';
const CI_TENANTS = 'ci-token-limited-to-tenants';

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

async function fleetServer() {
  const tenants = await tenantDatabases(5, 'htf');
  const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);', '001_a.down.sql': 'DROP TABLE a;' });
  const { root } = await projectWithTargets([]);
  const env: NodeJS.ProcessEnv = { CI_TENANTS };
  tenants.forEach((t, i) => (env[`T${i}`] = t.url));
  await writeFile(
    join(root, 'ogel-migrate.config.json'),
    JSON.stringify({
      dir,
      fleets: {
        tenants: { targets: ['env:T0', 'env:T1', 'env:T2', 'env:T3'], protected: true },
        other: { targets: ['env:T4'] },
      },
      tokens: { 'ci-tenants': { token: 'env:CI_TENANTS', role: 'admin', environments: ['tenants'] } },
    }),
  );
  const loaded = await loadConfig(root);
  const context = { env, cwd: root, clientName: 'http', database: 'required' as const };
  const logs: string[] = [];
  const server = await startServer({
    targets: new Map(),
    fleets: openFleets(loaded, {}, context),
    port: 0,
    host: '127.0.0.1',
    tokens: resolveTokens(loaded, env, { admin: ADMIN, read: READ }),
    logger: pino(new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) })),
    checkResponses: true,
  });
  servers.push(server);
  const call = async (path: string, token = ADMIN, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  };
  return { tenants, dir, call, logs, server };
}

describe('fleets over HTTP', () => {
  it('read tokens see status, scoped tokens act on their fleet only, a protected fleet needs its plan confirmed', async () => {
    const { tenants, call, logs } = await fleetServer();
    // A server of fleets only is ready without a database of its own to ask.
    expect(await call('/ready', 'no-token-needed')).toEqual({ status: 200, body: { ok: true, env: null } });
    const overview = await call('/fleet?fleet=tenants&fresh=true', READ);
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject({
      name: 'tenants',
      protected: true,
      writable: false,
      counts: { behind: 4 },
      targets: 4,
      failing: [],
    });
    expect(overview.body.lagging.map((t: any) => t.name)).toHaveLength(4);
    const list = await call('/fleets', CI_TENANTS);
    expect(list.body.fleets.map((f: any) => [f.name, f.writable])).toEqual([['tenants', true]]);

    expect((await call('/fleet/migrate?fleet=tenants', READ, {})).status).toBe(403);
    const outOfScope = await call('/fleet/migrate?fleet=other', CI_TENANTS, {});
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.error.code).toBe('FORBIDDEN');
    const unconfirmed = await call('/fleet/migrate?fleet=tenants', CI_TENANTS, {});
    expect(unconfirmed.status).toBe(428);
    expect(unconfirmed.body.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', details: { fleet: 'tenants' } });
    for (const t of tenants.slice(0, 4)) expect(await appliedIn(t.url)).toEqual([]);

    const plan = await call('/fleet/plan?fleet=tenants', READ);
    expect(plan.body).toMatchObject({
      dryRun: true,
      counts: { behind: 4 },
      review: { requires: { confirm: 'tenants' } },
    });
    const stale = await call('/fleet/migrate?fleet=tenants', CI_TENANTS, {
      confirm: 'tenants',
      plan: 'plan_00000000000000000000',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('PLAN_CHANGED');
    const run = await call('/fleet/migrate?fleet=tenants', CI_TENANTS, { confirm: 'tenants', plan: plan.body.planId });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ ok: true, counts: { applied: 4 } });
    // Read at once, without fresh=true: the counts are the ones after the run, not the ones before it.
    const [overviewAfter, listAfter] = await Promise.all([call('/fleet?fleet=tenants', READ), call('/fleets', READ)]);
    expect(overviewAfter.body).toMatchObject({ counts: { 'up-to-date': 4, behind: 0 }, lagging: [] });
    expect(listAfter.body.fleets.find((f: any) => f.name === 'tenants').counts).toMatchObject({ 'up-to-date': 4 });
    for (const t of tenants.slice(0, 4)) expect(await appliedIn(t.url)).toEqual(['001']);
    expect(await appliedIn(tenants[4]!.url)).toEqual([]);

    const detail = await call(`/fleet/targets/${tenants[0]!.name}?fleet=tenants`, READ);
    expect(detail.body).toMatchObject({ target: tenants[0]!.name, status: { current: '001' } });
    expect(detail.body.events.map((e: any) => e.actor)).toContain(
      'postgres via ' + detail.body.events[0].host + ` (token ci-tenants, pid ${process.pid})`,
    );
    expect((await call('/fleet/targets/nope?fleet=tenants', READ)).status).toBe(404);
    const after = await call('/fleets', ADMIN);
    expect(after.body.fleets.find((f: any) => f.name === 'tenants').lastRun).toMatchObject({
      ok: true,
      counts: { applied: 4 },
    });
    expect(logs.join('')).not.toContain(':postgres@');
  });

  it('a target whose migration failed in the last run stays listed as failing, with its error, until it is up to date', async () => {
    const { tenants, call } = await fleetServer();
    const { query } = await import('../harness/db.js');
    // The tenant already has the table the migration creates: 001 fails there and rolls back.
    await query(tenants[4]!.url, 'CREATE TABLE a (id int)');
    const run = await call('/fleet/migrate?fleet=other', ADMIN, {});
    expect(run.body).toMatchObject({ ok: false, counts: { failed: 1 } });
    const overview = await call('/fleet?fleet=other&fresh=true', READ);
    expect(overview.body.counts).toMatchObject({ behind: 1 });
    expect(overview.body.lagging).toEqual([]);
    expect(overview.body.failing).toEqual([
      expect.objectContaining({
        name: tenants[4]!.name,
        state: 'failed',
        error: expect.objectContaining({ code: 'MIGRATION_FAILED' }),
      }),
    ]);
    await query(tenants[4]!.url, 'DROP TABLE a');
    expect((await call('/fleet/migrate?fleet=other', ADMIN, {})).body).toMatchObject({ ok: true });
    const fixed = await call('/fleet?fleet=other&fresh=true', READ);
    expect(fixed.body).toMatchObject({ failing: [], lagging: [], counts: { 'up-to-date': 1 } });
  });

  it("the server's shutdown ends a fleet run gently: the running migration finishes, nothing after it starts", async () => {
    const { tenants, dir, call, server } = await fleetServer();
    await addMigration(dir, '002_slow.sql', 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1);');
    await addMigration(dir, '003_c.sql', 'CREATE TABLE c (id int);');
    const plan = await call('/fleet/plan?fleet=tenants');
    const running = call('/fleet/migrate?fleet=tenants', ADMIN, {
      confirm: 'tenants',
      plan: plan.body.planId,
      concurrency: 1,
    });
    const first = tenants[0]!;
    // The poll's own query text holds the pattern too: whenRunning leaves its own session out.
    await whenRunning({ databaseLike: likeExactly(first.name), queryLike: '%pg_sleep(1)%' }, 20_000);
    const stopping = server.shutdown();
    const { status, body } = await running;
    await stopping;
    expect(status).toBe(200);
    expect(body.stopped).toMatchObject({ reason: 'interrupted' });
    expect(body.targets[0]).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED' } });
    expect(body.targets[0].error.message).toContain('stopped before 003_c.sql');
    expect(body.targets.slice(1).map((t: { state: string }) => t.state)).toEqual([
      'not-reached',
      'not-reached',
      'not-reached',
    ]);
    expect(await appliedIn(first.url)).toEqual(['001', '002']);
    for (const t of tenants.slice(1, 4)) expect(await appliedIn(t.url)).toEqual([]);
  });

  it('/metrics has gauges by state from the last status, without per-tenant labels or a fan-out per scrape', async () => {
    const { dir, call } = await fleetServer();
    await call('/fleet?fleet=other&fresh=true');
    await call('/fleet/migrate?fleet=other', ADMIN, {});
    await call('/fleet?fleet=tenants&fresh=true');
    await call('/fleet?fleet=other&fresh=true');
    const metrics = (await call('/metrics')).body as string;
    expect(metrics).toContain('ogel_migrate_fleet_targets{fleet="tenants",state="behind"} 4');
    expect(metrics).toContain('ogel_migrate_fleet_targets{fleet="other",state="up-to-date"} 1');
    expect(metrics).toContain('ogel_migrate_fleet_runs_total{fleet="other",operation="migrate",outcome="success"} 1');
    expect(metrics).not.toMatch(/htf_/);
    // A new file: a scrape still shows the last status (no tenant was asked), a refresh shows the new one.
    await addMigration(dir, '002_b.sql', 'CREATE TABLE b (id int);');
    expect((await call('/metrics')).body).toContain('ogel_migrate_fleet_targets{fleet="other",state="up-to-date"} 1');
    await call('/fleet?fleet=other&fresh=true');
    expect((await call('/metrics')).body).toContain('ogel_migrate_fleet_targets{fleet="other",state="behind"} 1');
  });
});
