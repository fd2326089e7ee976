import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../harness/cli.js';
import { addMigration } from '../harness/migrations.js';
import { environmentsProject } from './fixture.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

/** The same rules through the CLI, as a real process without a terminal (as CI runs it). */
describe('guarded operations through the CLI', () => {
  const project = async () => {
    const p = await environmentsProject();
    const cli = (args: string[]) => runCliProcess(args, { env: p.env, cwd: p.root });
    const json = async (args: string[]) => {
      const result = await cli([...args, '--json']);
      return { code: result.code, body: JSON.parse(result.stdout) as Record<string, any> };
    };
    return { p, cli, json };
  };

  it('promotion refused, then protection: each refusal changes nothing', async () => {
    const { p, cli, json } = await project();
    const refused = await json(['migrate', '--env', 'staging']);
    expect(refused.code).toBe(1);
    expect(refused.body.error).toMatchObject({ code: 'PROMOTION_REFUSED', details: { upstream: 'dev' } });
    expect(await p.applied('staging')).toEqual([]);
    await cli(['migrate', '--env', 'dev']);
    await cli(['migrate', '--env', 'staging']);
    const unconfirmed = await json(['migrate', '--env', 'prod']);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.body.error.code).toBe('CONFIRMATION_REQUIRED');
    expect(await p.applied('prod')).toEqual([]);
    expect(await p.backups()).toEqual([]);
  });

  // Confirmed runs on prod take a real backup first (pg_dump must cover the server).
  it.skipIf(!pgDumpCoversServer())(
    'plan --json gives the plan id and the review; --plan binds a run to it (PLAN_CHANGED when it moved)',
    async () => {
      const { p, cli, json } = await project();
      await cli(['migrate', '--env', 'dev']);
      await cli(['migrate', '--env', 'staging']);
      const plan = await json(['plan', '--env', 'prod']);
      expect(plan.body).toMatchObject({
        planId: expect.stringMatching(/^plan_[0-9a-f]{20}$/),
        review: {
          protected: true,
          requires: { confirm: 'prod' },
          backup: { reason: 'before migrate: protected environment' },
        },
      });
      expect(plan.body.review.requires.plan).toBe(plan.body.planId);
      // The text form shows the id and what confirming means.
      expect((await cli(['plan', '--env', 'prod'])).stdout).toContain(`plan id ${plan.body.planId}`);

      await addMigration(p.dir, '003_c.sql', 'CREATE TABLE c (id int);');
      await cli(['migrate', '--env', 'dev']);
      await cli(['migrate', '--env', 'staging']);
      const stale = await json(['migrate', '--env', 'prod', '--yes', '--plan', plan.body.planId]);
      expect(stale.code).toBe(1);
      expect(stale.body.error).toMatchObject({ code: 'PLAN_CHANGED', details: { reviewed: plan.body.planId } });
      expect(await p.applied('prod')).toEqual([]);

      const fresh = await json(['plan', '--env', 'prod']);
      const done = await json(['migrate', '--env', 'prod', '--yes', '--plan', fresh.body.planId]);
      expect(done.code).toBe(0);
      expect(done.body.backup).toMatchObject({ reason: 'before migrate: protected environment' });
      expect(await p.applied('prod')).toEqual(['001', '002', '003']);
      const [event] = await p.events('prod', 'apply');
      expect(event!.details).toMatchObject({
        actor: expect.stringMatching(/^cli/),
        confirmation: { environment: 'prod', plan: fresh.body.planId },
        backup: done.body.backup.id,
      });
    },
  );

  it.skipIf(!pgDumpCoversServer())(
    '--yes confirms the plan it printed; rollback, repair and baseline on prod are guarded the same way',
    async () => {
      const { p, cli } = await project();
      await cli(['migrate', '--env', 'dev']);
      await cli(['migrate', '--env', 'staging']);
      const yes = await cli(['migrate', '--env', 'prod', '--yes']);
      expect(yes.code).toBe(0);
      expect(yes.stderr).toMatch(/backup \S+ taken \(before migrate: protected environment\)/);
      const rollback = await cli(['rollback', '--env', 'prod']);
      expect(rollback.code).toBe(1);
      expect(rollback.stderr).toContain('[CONFIRMATION_REQUIRED]');
      const reverted = await cli(['rollback', '--env', 'prod', '--yes']);
      expect(reverted.code).toBe(0);
      expect(reverted.stderr).toMatch(/backup \S+ taken \(before rollback: protected environment\)/);
      expect(await p.applied('prod')).toEqual(['001']);
      const baseline = await cli(['baseline', '--env', 'prod', '--to', '002']);
      expect(baseline.code).toBe(1);
      expect(baseline.stderr).toContain('[CONFIRMATION_REQUIRED]');
      expect(await p.applied('prod')).toEqual(['001']);
    },
  );

  it('--force-promotion with a reason is recorded; a URL that is prod’s keeps prod’s rules', async () => {
    const { p, json } = await project();
    const forced = await json(['migrate', '--env', 'staging', '--force-promotion', 'hotfix INC-7']);
    expect(forced.code).toBe(0);
    expect(forced.body.forced).toMatchObject({ reason: 'hotfix INC-7' });
    const [override] = await p.events('staging', 'promotion_override');
    expect(override!.details).toMatchObject({ reason: 'hotfix INC-7', actor: expect.stringMatching(/^cli/) });
    // Passing prod's URL directly does not make prod an unprotected database: prod's protection applies.
    const direct = await json(['migrate', '--database-url', p.urls.prod]);
    expect(direct.body.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', details: { environment: 'prod' } });
    expect(await p.applied('prod')).toEqual([]);
  });
});
