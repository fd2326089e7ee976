import { describe, expect, it } from 'vitest';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { appliedIn, fleetCli, projectWithTargets, tenantDatabases } from './fixture.js';

const FILES = {
  '001_a.sql': 'CREATE TABLE a (id int);',
  '002_b.sql': 'CREATE TABLE b (id int);',
};

describe('fleet rollout rules', () => {
  it('a failing canary stops the rollout before the rest', async () => {
    const tenants = await tenantDatabases(8, 'can');
    await query(tenants[1]!.url, 'CREATE TABLE b (id int)');
    const dir = await writeMigrations(FILES);
    const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
    const result = await fleetCli(['migrate', '--targets', targets, '--dir', dir, '--canary', '2'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.body.stopped).toMatchObject({ reason: 'canary' });
    expect(result.body.stopped.message).toContain('6 target(s) not reached');
    expect(result.body.targets.map((t: any) => [t.state, t.canary])).toEqual([
      ['applied', true],
      ['failed', true],
      ...Array(6).fill(['not-reached', false]),
    ]);
    // Nothing reached the rest: not even the tracking table.
    for (const t of tenants.slice(2)) expect(await appliedIn(t.url)).toEqual([]);
  });

  it('--stop-after-failures starts no more targets after K failures; --only and --except pick targets', async () => {
    const tenants = await tenantDatabases(6, 'stp');
    for (const t of tenants.slice(0, 2)) await query(t.url, 'CREATE TABLE a (id int)');
    const dir = await writeMigrations(FILES);
    const { root, targets } = await projectWithTargets(tenants.map((t) => t.url));
    const base = ['migrate', '--targets', targets, '--dir', dir, '--concurrency', '1'];
    const stopped = await fleetCli([...base, '--stop-after-failures', '2'], { cwd: root });
    expect(stopped.body.counts).toMatchObject({ failed: 2, 'not-reached': 4 });
    expect(stopped.body.stopped).toMatchObject({ reason: 'failures' });
    const some = await fleetCli([...base, '--except', `${tenants[0]!.name},${tenants[1]!.name}`, '--only', 'stp_*'], {
      cwd: root,
    });
    expect(some.code).toBe(0);
    expect(some.body.targets.map((t: any) => t.name)).toEqual(tenants.slice(2).map((t) => t.name));
    const typo = await fleetCli([...base, '--only', 'nosuchtenant'], { cwd: root });
    expect(typo.code).toBe(2);
    expect(typo.body.error.message).toContain('Unknown target(s) in "only": nosuchtenant');
    const unknown = await fleetCli([...base, '--to', '009'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.body.error).toMatchObject({
      code: 'UNKNOWN_VERSION',
      message: 'No migration has version 009',
    });
  });

  it('a protected fleet needs its name and the fleet plan id; a stale plan id changes nothing', async () => {
    const tenants = await tenantDatabases(3, 'prt');
    const control = await createTestDatabase('ctl');
    await query(control.url, 'CREATE TABLE projects (name text, url text)');
    for (const [i, t] of tenants.entries())
      await query(control.url, 'INSERT INTO projects VALUES ($1, $2)', [`project-${i}`, t.url]);
    const dir = await writeMigrations(FILES);
    const config = {
      dir,
      fleets: {
        projects: {
          query: { databaseUrl: 'env:CONTROL_URL', sql: 'SELECT name, url FROM projects ORDER BY name' },
          protected: true,
        },
      },
    };
    const { root } = await projectWithTargets([], config);
    const env = { CONTROL_URL: control.url };

    const refused = await fleetCli(['migrate'], { cwd: root, env });
    expect(refused.code).toBe(1);
    expect(refused.body.error).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      details: { fleet: 'projects', requires: { confirm: 'projects' } },
    });
    for (const t of tenants) expect(await appliedIn(t.url)).toEqual([]);

    const plan = await fleetCli(['plan'], { cwd: root, env });
    expect(plan.body).toMatchObject({
      planId: expect.stringMatching(/^plan_[0-9a-f]{20}$/),
      review: { protected: true, requires: { confirm: 'projects', plan: plan.body.planId } },
      counts: { behind: 3 },
    });
    expect(plan.body.targets.map((t: any) => t.name)).toEqual(['project-0', 'project-1', 'project-2']);
    // A tenant added since the review: another fleet, another plan.
    const late = await createTestDatabase('prt');
    await query(control.url, "INSERT INTO projects VALUES ('project-3', $1)", [late.url]);
    // The plan id alone (a review in an earlier CI job) is the confirmation, of that plan only.
    const stale = await fleetCli(['migrate', '--plan', plan.body.planId], { cwd: root, env });
    expect(stale.code).toBe(1);
    expect(stale.body.error).toMatchObject({ code: 'PLAN_CHANGED', details: { reviewed: plan.body.planId } });
    for (const t of tenants) expect(await appliedIn(t.url)).toEqual([]);

    const fresh = await fleetCli(['plan'], { cwd: root, env });
    const done = await fleetCli(['migrate', '--plan', fresh.body.planId], { cwd: root, env });
    expect(done.code).toBe(0);
    expect(done.body.counts.applied).toBe(4);
    const [event] = await query<{ actor: string; details: Record<string, unknown> }>(
      late.url,
      "SELECT actor, details FROM platform.schema_migration_events WHERE event = 'apply' ORDER BY id LIMIT 1",
    );
    expect(event!.details).toMatchObject({
      fleet: 'projects',
      fleetPlan: fresh.body.planId,
      confirmation: { environment: 'projects', plan: fresh.body.planId },
      actor: expect.stringMatching(/^cli/),
    });
  });

  it('a fleet after an environment applies only what that environment has applied', async () => {
    const [staging, ...tenants] = await tenantDatabases(3, 'pro');
    const dir = await writeMigrations(FILES);
    const config = {
      dir,
      environments: { staging: { databaseUrl: 'env:STAGING_URL' } },
      fleets: { tenants: { targets: ['env:T1', 'env:T2'], after: 'staging' } },
    };
    const { root } = await projectWithTargets([], config);
    const env = { STAGING_URL: staging!.url, T1: tenants[0]!.url, T2: tenants[1]!.url };
    const cli = (args: string[]) => fleetCli(args, { cwd: root, env });
    const refused = await cli(['migrate']);
    expect(refused.body.error).toMatchObject({ code: 'PROMOTION_REFUSED', details: { upstream: 'staging' } });
    expect(refused.body.error.details.violations.map((v: any) => v.version)).toEqual(['001', '002']);
    const { runCliProcess } = await import('../harness/cli.js');
    await runCliProcess(['migrate', '--env', 'staging', '--to', '001'], { cwd: root, env });
    const partial = await cli(['migrate', '--to', '001']);
    expect(partial.code).toBe(0);
    expect(partial.body.counts.applied).toBe(2);
    const forced = await cli(['migrate', '--force-promotion', 'hotfix INC-7']);
    expect(forced.code).toBe(0);
    const [event] = await query<{ details: Record<string, unknown> }>(
      tenants[0]!.url,
      "SELECT details FROM platform.schema_migration_events WHERE version = '002' AND event = 'apply'",
    );
    expect(event!.details).toMatchObject({
      forceReason: 'hotfix INC-7',
      forcedPromotion: { upstream: 'staging', violations: [{ version: '002', reason: 'not-applied-upstream' }] },
    });
  });
});
