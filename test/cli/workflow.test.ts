import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { buildProgram } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

/** The subset of GitHub's workflow schema the example uses, strict so a typo in a key fails. */
const step = z
  .strictObject({
    name: z.string().optional(),
    uses: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+@v\d+$/)
      .optional(),
    run: z.string().optional(),
    with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    env: z.record(z.string(), z.string()).optional(),
  })
  .refine((s) => Boolean(s.uses) !== Boolean(s.run), 'a step has exactly one of uses/run');
const job = z.strictObject({
  name: z.string(),
  if: z.string(),
  'runs-on': z.string(),
  environment: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  services: z
    .record(
      z.string(),
      z.strictObject({
        image: z.string(),
        env: z.record(z.string(), z.string()).optional(),
        ports: z.array(z.string()).optional(),
        options: z.string().optional(),
      }),
    )
    .optional(),
  steps: z.array(step).min(1),
});
const workflow = z.strictObject({
  name: z.string(),
  on: z.strictObject({ pull_request: z.any(), push: z.any(), workflow_dispatch: z.any() }),
  concurrency: z.strictObject({ group: z.string(), 'cancel-in-progress': z.boolean() }),
  jobs: z.record(z.string(), job),
});

describe('examples/github-actions/migrations.yml', () => {
  it('is valid YAML in the workflow shape, and every ogel-migrate command and flag it runs is real', async () => {
    const text = await readFile(new URL('../../examples/github-actions/migrations.yml', import.meta.url), 'utf8');
    const parsed = workflow.parse(parse(text));
    const ctx: CliContext = {
      output: { out: () => {}, err: () => {}, isTTY: false },
      env: {},
      cwd: '/',
      exitCode: 0,
      interactive: false,
    };
    const program = await buildProgram(ctx);
    const runs = Object.values(parsed.jobs).flatMap((j) =>
      j.steps.map((s) => s.run).filter((r): r is string => Boolean(r)),
    );
    const ours = runs.filter((r) => r.startsWith('npx ogel-migrate '));
    expect(ours.length).toBeGreaterThanOrEqual(6);
    for (const run of ours) {
      const [name, ...args] = run.replace('npx ogel-migrate ', '').split(/\s+/);
      const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name!));
      expect(command, `unknown command in: ${run}`).toBeDefined();
      for (const flag of args.filter((a) => a.startsWith('-'))) {
        expect(
          command!.options.some((o) => o.long === flag || o.short === flag),
          `unknown flag ${flag} in: ${run}`,
        ).toBe(true);
      }
    }
    expect(parsed.jobs.production!.environment).toBe('production');
    expect(ours).toContain('npx ogel-migrate migrate --env prod --yes');
    // Production's backups go to the configured store, never only to the runner that is thrown away.
    const production = parsed.jobs.production!;
    expect(production.env?.OGEL_MIGRATE_BACKUP_DIR).toBe('${{ vars.OGEL_MIGRATE_BACKUP_DIR }}');
    const prodRuns = production.steps.map((s) => s.run ?? '');
    const backupAt = prodRuns.indexOf('npx ogel-migrate backup --env prod');
    expect(backupAt).toBeGreaterThan(0);
    expect(backupAt).toBeLessThan(prodRuns.indexOf('npx ogel-migrate migrate --env prod --yes'));
    expect(prodRuns.findIndex((r) => r.includes('s3://*)'))).toBeLessThan(backupAt);
  });
});
