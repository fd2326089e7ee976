import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { query } from '../harness/db.js';
import { addMigration, writeMigrations } from '../harness/migrations.js';
import { ADMIN, READ } from '../harness/server.js';
import {
  card,
  CI_STAGING,
  heading,
  login,
  screenshot,
  selectEnv,
  startPipeline,
  useBrowser,
  watchConsole,
} from './browser.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

const browser = useBrowser();

const FILES = {
  '001_projects.sql': 'CREATE TABLE projects (id int);',
  '001_projects.down.sql': 'DROP TABLE projects;',
  '002_members.sql': 'CREATE TABLE members (id int);\nCREATE INDEX projects_id ON projects (id);',
  '002_members.down.sql': 'DROP INDEX projects_id;\nDROP TABLE members;',
};

const dialogOf = (page: Page) => page.getByRole('dialog');
const confirmButton = (page: Page) => dialogOf(page).getByRole('button', { name: 'Confirm' });
const nameField = (page: Page, env: string) => dialogOf(page).getByLabel(`Type ${env} to confirm`);
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? `${el.tagName}:${el.textContent?.trim() || (el as HTMLInputElement).type}` : null;
  });

/** Fetches the way a forged script in the signed-in page would: with the token the dashboard holds. */
const forged = (page: Page, path: string, method = 'GET') =>
  page.evaluate(
    async ({ path, method }) => {
      const token = sessionStorage.getItem('ogel-migrate-token');
      const response = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      return { status: response.status, code: ((await response.json()) as { error?: { code: string } }).error?.code };
    },
    { path, method },
  );

describe('dashboard review dialogs in Chromium', () => {
  // The confirmed run on prod takes a real backup first (pg_dump must cover the server).
  it.skipIf(!pgDumpCoversServer())(
    'prod: promotion refused shown before the click, Confirm waits for the name, a stale plan is reviewed again, the forced and confirmed run takes a backup and is recorded',
    async (context) => {
      const dir = await writeMigrations(FILES);
      const p = await startPipeline(dir);
      const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchConsole(page);
      try {
        expect((await p.server.fetch('/migrate?env=dev', { method: 'POST', body: '{}' })).status).toBe(200);
        expect((await p.server.fetch('/migrate?env=staging', { method: 'POST', body: '{"to":"001"}' })).status).toBe(
          200,
        );

        await login(page, `${p.server.url}/`, ADMIN, 'dev');
        await expect.poll(() => card(page, 'prod').textContent()).toContain('behind staging: 001');
        const prodCard = await card(page, 'prod').textContent();
        expect(prodCard).toContain('protected');
        expect(prodCard).toContain('not yet in staging: 002 (a promotion would be refused)');
        expect(await card(page, 'staging').textContent()).toContain('behind dev: 002');
        expect(await card(page, 'dev').textContent()).not.toContain('protected');

        await selectEnv(page, 'prod');
        await expect.poll(() => new URL(page.url()).hash).toBe('#env=prod');
        expect(await heading(page, 'prod').textContent()).toContain('protected');
        await page.getByRole('button', { name: 'Migrate…' }).click();
        const dialog = dialogOf(page);
        await dialog.getByText('Promotion refused').waitFor();
        expect(await dialog.getAttribute('aria-modal')).toBe('true');
        const review = await dialog.textContent();
        expect(review).toContain('Migrate prod');
        expect(review).toContain('protected');
        expect(review).toContain('001_projects — one transaction, 1 statement(s)');
        expect(review).toContain('line 2: CREATE INDEX projects_id ON projects (id) — SHARE on projects');
        expect(review).toContain('which has not run 002_members (not applied)');
        expect(review).toContain('A backup is taken first (before migrate: protected environment).');
        // The name field has the focus once the plan is shown; Confirm never has it by default.
        await expect.poll(() => focused(page)).toBe('INPUT:text');
        expect(await confirmButton(page).isDisabled()).toBe(true);

        await nameField(page, 'prod').fill('prod');
        expect(await confirmButton(page).isDisabled()).toBe(true); // the refused promotion is not forced yet
        await dialog.getByLabel('Force past staging').check();
        expect(await confirmButton(page).isDisabled()).toBe(true); // no reason yet
        await dialog.getByLabel('Reason for forcing').fill('hotfix INC-42');
        expect(await confirmButton(page).isDisabled()).toBe(false);
        await nameField(page, 'prod').fill('pro');
        expect(await confirmButton(page).isDisabled()).toBe(true);
        await nameField(page, 'prod').fill('prod');
        expect(await confirmButton(page).isDisabled()).toBe(false);
        await screenshot(page, 'dashboard-review-prod.png', context);

        // Someone adds a migration after the review: the reviewed plan id no longer matches.
        const reviewed = await dialog.locator('[data-plan-id]').textContent();
        await addMigration(dir, '003_tags.sql', 'CREATE TABLE tags (id int);');
        await confirmButton(page).click();
        await expect
          .poll(() => dialog.locator('[data-notice]').textContent())
          .toContain('The plan changed since you reviewed it');
        await expect.poll(() => dialog.textContent()).toContain('003_tags');
        const second = await dialog.locator('[data-plan-id]').textContent();
        expect(second).not.toBe(reviewed);
        expect(await nameField(page, 'prod').inputValue()).toBe('');
        expect(await confirmButton(page).isDisabled()).toBe(true);
        expect(await query(p.urls.prod, "SELECT to_regclass('projects') AS r")).toEqual([{ r: null }]);

        await nameField(page, 'prod').fill('prod');
        await confirmButton(page).click();
        await dialog.waitFor({ state: 'detached' });
        const outcome = page.locator('[data-outcome="prod"]');
        await expect
          .poll(() => outcome.textContent())
          .toContain('Applied 3 migration(s): 001_projects, 002_members, 003_tags.');
        const [backup] = await query<{ id: string }>(
          p.urls.prod,
          "SELECT details->>'id' AS id FROM platform.schema_migration_events WHERE event = 'backup'",
        );
        expect(await outcome.textContent()).toContain(
          `Backup ${backup!.id} was taken first (before migrate: protected environment).`,
        );
        expect(await outcome.textContent()).toContain('Forced past staging (002_members, 003_tags): "hotfix INC-42".');

        const events = await query<{ event: string; version: string | null; details: Record<string, unknown> }>(
          p.urls.prod,
          'SELECT event, version, details FROM platform.schema_migration_events ORDER BY id',
        );
        const applies = events.filter((e) => e.event === 'apply');
        expect(applies.map((e) => e.version)).toEqual(['001', '002', '003']);
        for (const e of applies) {
          expect(e.details).toMatchObject({
            actor: 'token admin',
            confirmation: { environment: 'prod', plan: second },
            forceReason: 'hotfix INC-42',
            backup: backup!.id,
          });
        }
        const override = events.find((e) => e.event === 'promotion_override');
        expect(override?.details).toMatchObject({ actor: 'token admin', upstream: 'staging', reason: 'hotfix INC-42' });
        expect((override?.details.violations as Array<{ version: string }>).map((v) => v.version)).toEqual([
          '002',
          '003',
        ]);
        // The only console errors are the browser's own lines for the 409 it was meant to get.
        expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
      } finally {
        await page.close();
        await p.cleanup();
      }
    },
  );

  it('staging: a promotion refused after the review is shown plainly and the review reloads with the force option', async () => {
    const dir = await writeMigrations(FILES);
    const p = await startPipeline(dir);
    const page = await browser().newPage();
    const errors = watchConsole(page);
    try {
      expect((await p.server.fetch('/migrate?env=dev', { method: 'POST', body: '{}' })).status).toBe(200);
      expect((await p.server.fetch('/migrate?env=staging', { method: 'POST', body: '{"to":"001"}' })).status).toBe(200);
      await login(page, `${p.server.url}/#env=staging`, ADMIN, 'staging');
      await page.getByRole('button', { name: 'Migrate…' }).click();
      const dialog = dialogOf(page);
      await dialog.getByText('dev has already applied all of these.').waitFor();
      // projects exists in staging, so the plan's index build on it is flagged.
      expect(await dialog.locator('.lint').textContent()).toContain(
        'require-concurrent-index line 2: CREATE INDEX on projects without CONCURRENTLY',
      );
      expect(await dialog.textContent()).toContain('No backup is taken first.');
      expect(await nameField(page, 'staging').count()).toBe(0); // not protected: no name to type
      expect(await focused(page)).toBe('BUTTON:Cancel');
      expect(await confirmButton(page).isDisabled()).toBe(false);

      // dev rolls 002 back behind the reviewer's back: staging's own plan is the same, the promotion is not.
      expect((await p.server.fetch('/rollback?env=dev', { method: 'POST', body: '{"steps":1}' })).status).toBe(200);
      await confirmButton(page).click();
      await expect.poll(() => dialog.locator('[data-refusal]').textContent()).toContain('PROMOTION_REFUSED');
      expect(await dialog.locator('[data-refusal]').textContent()).toContain('002_members (not applied in dev)');
      await dialog.getByLabel('Force past dev').waitFor();
      expect(await confirmButton(page).isDisabled()).toBe(true);
      expect(await query(p.urls.staging, "SELECT to_regclass('members') AS r")).toEqual([{ r: null }]);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await page.locator('[data-outcome="staging"]').textContent()).toBe('');
      expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    } finally {
      await page.close();
      await p.cleanup();
    }
  });

  it('prod for a token scoped to staging or a read token: no action offered, and a forged request gets 403', async () => {
    const dir = await writeMigrations(FILES);
    const p = await startPipeline(dir);
    const page = await browser().newPage();
    try {
      // The CI token sees staging only: a link to prod falls back to staging, which it may change.
      await login(page, `${p.server.url}/#env=prod`, CI_STAGING, 'staging');
      await expect.poll(() => new URL(page.url()).hash).toBe('#env=staging');
      expect(await page.locator('.card').count()).toBe(1);
      expect(await card(page, 'prod').count()).toBe(0);
      await page.getByRole('button', { name: 'Migrate…' }).waitFor();
      expect(await page.locator('header').textContent()).toContain('token ci-staging');
      expect(await forged(page, '/migrate?env=prod', 'POST')).toEqual({ status: 403, code: 'FORBIDDEN' });
      expect(await forged(page, '/status?env=prod')).toEqual({ status: 403, code: 'FORBIDDEN' });
      await page.getByRole('button', { name: 'Log out' }).click();

      // The read token sees prod, marked read-only, with nothing to press.
      await page.getByLabel('API token').fill(READ);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await selectEnv(page, 'prod');
      expect(await heading(page, 'prod').textContent()).toMatch(/protected\s*read-only/);
      expect(await card(page, 'prod').textContent()).toContain('read-only');
      for (const name of ['Migrate…', 'Roll back…', 'Backup now', 'Rollback test']) {
        expect(await page.getByRole('button', { name }).count()).toBe(0);
      }
      expect(await page.getByRole('button', { name: 'Check drift' }).count()).toBe(1);
      expect(await forged(page, '/migrate?env=prod', 'POST')).toEqual({ status: 403, code: 'FORBIDDEN' });
      expect(await query(p.urls.prod, "SELECT to_regclass('projects') AS r")).toEqual([{ r: null }]);
    } finally {
      await page.close();
      await p.cleanup();
    }
  });
});
