import { afterEach, describe, expect, it } from 'vitest';
import { migrateTarget, rollbackTarget, type MigrateRequest } from '../../src/app/operations.js';
import { isOgelError } from '../../src/errors.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { addMigration } from '../harness/migrations.js';
import { serve } from '../harness/serve-process.js';
import pg from 'pg';
import { LOCK_CLASS, lockObjectId } from '../../src/db/advisory-lock.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

const TOKEN = 'guarded-serve-test-token';
import { CI_STAGING_TOKEN, environmentsProject, type EnvironmentsProject } from './fixture.js';

/** A refusal as every surface reports it: the error code, and the HTTP status where there is one. */
type Outcome =
  | { ok: true; body: Record<string, any> }
  | { ok: false; code: string; status: number | null; details: Record<string, any> };

/** The same operations through two surfaces: the library's guarded operations, and the HTTP service. */
interface Surface {
  name: string;
  migrate(env: string, body: Record<string, unknown>, token?: string): Promise<Outcome>;
  rollback(env: string, body: Record<string, unknown>): Promise<Outcome>;
  plan(env: string, query?: string): Promise<Record<string, any>>;
}

function library(p: EnvironmentsProject): Surface {
  const call = async (run: () => Promise<object>): Promise<Outcome> => {
    try {
      return { ok: true, body: (await run()) as Record<string, any> };
    } catch (error) {
      if (!isOgelError(error)) throw error;
      return { ok: false, code: error.code, status: null, details: error.details as Record<string, any> };
    }
  };
  const request = (body: Record<string, unknown>): MigrateRequest => {
    const { force, ...rest } = body as { force?: { reason: string } };
    return { ...rest, ...(force ? { forceReason: force.reason } : {}) };
  };
  return {
    name: 'library',
    migrate: (env, body) => call(() => migrateTarget(p.target(env), request(body))),
    rollback: (env, body) => call(() => rollbackTarget(p.target(env), body)),
    plan: async (env, query = '') => {
      const to = new URLSearchParams(query).get('to');
      return (await migrateTarget(p.target(env), { dryRun: true, ...(to ? { to } : {}) })) as Record<string, any>;
    },
  };
}

function http(server: TestServer): Surface {
  const call = async (path: string, body: Record<string, unknown>, token?: string): Promise<Outcome> => {
    const response = await server.fetch(path, {
      method: 'POST',
      body: JSON.stringify(body),
      ...(token ? { token } : {}),
    });
    const json = (await response.json()) as Record<string, any>;
    if (response.ok) return { ok: true, body: json };
    return { ok: false, code: json.error.code, status: response.status, details: json.error.details };
  };
  return {
    name: 'http',
    migrate: (env, body, token) => call(`/migrate?env=${env}`, body, token),
    rollback: (env, body) => call(`/rollback?env=${env}`, body),
    plan: async (env, query = '') => (await server.fetch(`/plan?env=${env}${query ? `&${query}` : ''}`)).json(),
  };
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.shutdown()));
});

async function served(): Promise<{ p: EnvironmentsProject; server: TestServer }> {
  const p = await environmentsProject();
  const server = await startTestServer({ dir: p.dir, config: p.config, env: p.env });
  servers.push(server);
  return { p, server };
}

describe.each(['library', 'http'] as const)('guarded operations through the %s', (which) => {
  const setup = async (): Promise<{ p: EnvironmentsProject; surface: Surface }> => {
    if (which === 'library') {
      const p = await environmentsProject();
      return { p, surface: library(p) };
    }
    const { p, server } = await served();
    return { p, surface: http(server) };
  };
  const expectRefused = (outcome: Outcome, code: string, status: number) => {
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.code).toBe(code);
    if (which === 'http') expect(outcome.status).toBe(status);
  };

  it('promotion refused: staging before dev names the versions; prod before staging too; nothing changes', async () => {
    const { p, surface } = await setup();
    const refused = await surface.migrate('staging', {});
    expectRefused(refused, 'PROMOTION_REFUSED', 409);
    if (!refused.ok)
      expect(refused.details.violations.map((v: { version: string }) => v.version)).toEqual(['001', '002']);
    expect(await p.applied('staging')).toEqual([]);
    // The plan shows the refusal before anyone clicks.
    const plan = await surface.plan('staging');
    expect(plan.review.promotion).toMatchObject({
      upstream: 'dev',
      violations: [{ version: '001' }, { version: '002' }],
    });

    expect((await surface.migrate('dev', {})).ok).toBe(true);
    expect((await surface.migrate('staging', { to: '001' })).ok).toBe(true);
    // prod is both protected and behind: the promotion refusal comes first (confirming would not help).
    const prod = await surface.migrate('prod', {});
    expectRefused(prod, 'PROMOTION_REFUSED', 409);
    if (!prod.ok)
      expect(prod.details.violations).toEqual([{ version: '002', name: 'b', reason: 'not-applied-upstream' }]);
    expect(await p.applied('prod')).toEqual([]);
  });

  it('protected without a confirmation is 428 with the plan id to confirm; nothing changes, no backup', async () => {
    const { p, surface } = await setup();
    await surface.migrate('dev', {});
    await surface.migrate('staging', {});
    const refused = await surface.migrate('prod', {});
    expectRefused(refused, 'CONFIRMATION_REQUIRED', 428);
    const plan = await surface.plan('prod');
    if (!refused.ok) expect(refused.details.requires).toEqual({ confirm: 'prod', plan: plan.planId });
    expect(plan.review).toMatchObject({
      protected: true,
      requires: { confirm: 'prod', plan: plan.planId },
      backup: { reason: 'before migrate: protected environment' },
    });
    // The plan id alone, or the name alone, is not a confirmation; a wrong name neither.
    expectRefused(await surface.migrate('prod', { plan: plan.planId }), 'CONFIRMATION_REQUIRED', 428);
    expectRefused(await surface.migrate('prod', { confirm: 'prod' }), 'CONFIRMATION_REQUIRED', 428);
    expectRefused(
      await surface.migrate('prod', { confirm: 'staging', plan: plan.planId }),
      'CONFIRMATION_REQUIRED',
      428,
    );
    expect(await p.applied('prod')).toEqual([]);
    expect(await p.backups()).toEqual([]);
  });

  // A confirmed run on prod takes a real backup first (pg_dump must cover the server).
  it.skipIf(!pgDumpCoversServer())(
    'a stale plan id is 409 PLAN_CHANGED: a file added or a migration applied since the review; nothing changes',
    async () => {
      const { p, surface } = await setup();
      await surface.migrate('dev', {});
      await surface.migrate('staging', {});
      const reviewed = await surface.plan('prod', 'to=001');
      // Someone else applies 001 to prod in between: the reviewed plan no longer describes what would run.
      const first = await surface.migrate('prod', { to: '001', confirm: 'prod', plan: reviewed.planId });
      expect(first.ok).toBe(true);
      const stale = await surface.migrate('prod', { confirm: 'prod', plan: reviewed.planId });
      expectRefused(stale, 'PLAN_CHANGED', 409);
      if (!stale.ok) expect(stale.details).toMatchObject({ reviewed: reviewed.planId, planned: ['002'] });
      // A file added after the review changes the plan too.
      const review2 = await surface.plan('prod');
      await addMigration(p.dir, '003_c.sql', 'CREATE TABLE c (id int);');
      await surface.migrate('dev', {});
      await surface.migrate('staging', {});
      expectRefused(await surface.migrate('prod', { confirm: 'prod', plan: review2.planId }), 'PLAN_CHANGED', 409);
      expect(await p.applied('prod')).toEqual(['001']);
    },
  );

  it.skipIf(!pgDumpCoversServer())(
    'with the confirmation: a backup first, then the run; the events record actor, confirmation and backup',
    async () => {
      const { p, surface } = await setup();
      await surface.migrate('dev', {});
      await surface.migrate('staging', {});
      const plan = await surface.plan('prod');
      const done = await surface.migrate('prod', { confirm: 'prod', plan: plan.planId });
      expect(done.ok).toBe(true);
      if (!done.ok) return;
      expect(done.body.applied.map((a: { version: string }) => a.version)).toEqual(['001', '002']);
      expect(done.body.backup).toMatchObject({ reason: 'before migrate: protected environment' });
      expect(await p.backups()).toEqual([`${done.body.backup.id}.dump`]);
      const applies = await p.events('prod', 'apply');
      expect(applies).toHaveLength(2);
      for (const event of applies) {
        expect(event.details).toMatchObject({
          confirmation: { environment: 'prod', plan: plan.planId },
          backup: done.body.backup.id,
        });
        expect(event.details.actor).toBe(which === 'http' ? 'token admin' : 'library');
      }
      // The backup's own event comes before the migrations' (it was taken first, under the lock).
      const [backupEvent] = await p.events('prod', 'backup');
      expect(backupEvent).toBeDefined();
      // Rollback on prod is guarded the same way.
      expectRefused(await surface.rollback('prod', {}), 'CONFIRMATION_REQUIRED', 428);
      expect(await p.applied('prod')).toEqual(['001', '002']);
    },
  );

  it('force with a reason passes the promotion and is recorded; an empty reason is refused', async () => {
    const { p, surface } = await setup();
    const empty = await surface.migrate('staging', { force: { reason: ' ' } });
    expectRefused(empty, 'USAGE', 400);
    const forced = await surface.migrate('staging', { force: { reason: 'hotfix INC-42' } });
    expect(forced.ok).toBe(true);
    if (forced.ok)
      expect(forced.body.forced).toMatchObject({
        reason: 'hotfix INC-42',
        violations: [{ version: '001' }, { version: '002' }],
      });
    expect(await p.applied('staging')).toEqual(['001', '002']);
    const [override] = await p.events('staging', 'promotion_override');
    expect(override!.details).toMatchObject({ reason: 'hotfix INC-42', upstream: 'dev', environment: 'staging' });
    for (const event of await p.events('staging', 'apply')) expect(event.details.forceReason).toBe('hotfix INC-42');
  });
});

describe('the library only', () => {
  it('a principal limited to staging gets FORBIDDEN on prod, as a scoped token does over HTTP', async () => {
    const p = await environmentsProject();
    const ci = { actor: 'deploy-bot', role: 'admin' as const, environments: ['staging'] };
    const refused = await migrateTarget(p.target('prod'), {}, ci).catch((error: unknown) => error);
    expect(isOgelError(refused, 'FORBIDDEN')).toBe(true);
    const reader = { actor: 'dashboard', role: 'read' as const };
    expect(isOgelError(await migrateTarget(p.target('dev'), {}, reader).catch((e: unknown) => e), 'FORBIDDEN')).toBe(
      true,
    );
    // Reading (a dry run) is what the read role may do.
    expect((await migrateTarget(p.target('dev'), { dryRun: true }, reader)).planned).toHaveLength(2);
    expect(await p.applied('prod')).toEqual([]);
    expect(await p.applied('dev')).toEqual([]);
  });
});

describe('the HTTP service only', () => {
  it('a token scoped to staging may deploy staging, is 403 on prod and dev, and sees only staging', async () => {
    const { p, server } = await served();
    const fetchAs = (path: string, init: RequestInit = {}) => server.fetch(path, { ...init, token: CI_STAGING_TOKEN });
    await server.fetch('/migrate?env=dev', { method: 'POST', body: '{}' });
    const onProd = await fetchAs('/migrate?env=prod', { method: 'POST', body: '{}' });
    expect(onProd.status).toBe(403);
    expect((await onProd.json()).error).toMatchObject({
      code: 'FORBIDDEN',
      details: { environment: 'prod', allowed: ['staging'] },
    });
    expect((await fetchAs('/status?env=dev')).status).toBe(403);
    expect(await p.applied('prod')).toEqual([]);
    const onStaging = await fetchAs('/migrate?env=staging', { method: 'POST', body: '{}' });
    expect(onStaging.status).toBe(200);
    expect(await p.applied('staging')).toEqual(['001', '002']);
    const [event] = await p.events('staging', 'apply');
    expect(event!.actor).toMatch(/token ci-staging/);
    const session = await (await fetchAs('/session')).json();
    expect(session.environments.map((e: { name: string }) => e.name)).toEqual(['staging']);
    expect(session.actor).toBe('token ci-staging');
    // Without ?env= it acts where /session says it does: its own environment, not the server's default (dev).
    expect(session.defaultEnvironment).toBe('staging');
    const status = await fetchAs('/status');
    expect(status.status).toBe(200);
    expect((await status.json()).counts).toMatchObject({ applied: 2 });
  });

  it("per-environment settings reach `serve`'s runners: prod waits 3333 ms for the lock, not 60 s", async () => {
    const p = await environmentsProject();
    const server = await serve([], { ...p.env, OGEL_MIGRATE_TOKEN: TOKEN }, undefined, undefined, p.root);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    try {
      const session = await (await fetch(`${server.url}/session`, { headers: auth })).json();
      const settings = Object.fromEntries(
        session.environments.map((e: { name: string; settings: object }) => [e.name, e.settings]),
      );
      expect(settings.prod).toEqual({
        lockTimeoutMs: 2222,
        statementTimeoutMs: null,
        lockWaitMs: 3333,
        backupPolicy: 'destructive',
      });
      expect(settings.dev).toMatchObject({ lockTimeoutMs: 5000, lockWaitMs: 60000 });
      // And they are what the runs use: with prod's migration lock held elsewhere, a waiting run gives up at 3.3 s.
      await fetch(`${server.url}/migrate?env=dev`, { method: 'POST', headers: auth, body: '{}' });
      await fetch(`${server.url}/migrate?env=staging`, { method: 'POST', headers: auth, body: '{}' });
      const plan = await (await fetch(`${server.url}/plan?env=prod`, { headers: auth })).json();
      const holder = new pg.Client({ connectionString: p.urls.prod });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, lockObjectId('platform.schema_migrations')]);
        const waited = await fetch(`${server.url}/migrate?env=prod&wait=true`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ confirm: 'prod', plan: plan.planId }),
        });
        expect(waited.status).toBe(409);
        const { error } = await waited.json();
        expect(error.code).toBe('LOCK_TIMEOUT');
        expect(error.details.waitedMs).toBeGreaterThanOrEqual(3333);
        expect(error.details.waitedMs).toBeLessThan(20000);
      } finally {
        await holder.end();
      }
      expect(await p.applied('prod')).toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });
});
