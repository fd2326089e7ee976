import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { ADMIN, READ, startTestServer } from '../harness/server.js';
import { card, heading, login, screenshot, selectEnv, startPipeline, useBrowser, watchConsole } from './browser.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';

const browser = useBrowser();

const state = (page: Page, version: string) => page.locator(`tr[data-version="${version}"]`).getAttribute('data-state');
const occurrences = (text: string | null, part: string) => (text ?? '').split(part).length - 1;
/** How far the page is wider than the window: 0 when nothing overflows sideways. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('dashboard in Chromium', () => {
  // Rolling back a destructive down and restoring use real dumps (pg_dump must cover the server).
  it.skipIf(!pgDumpCoversServer())(
    'admin: see pending, migrate with a reviewed plan, see a failure once, test rollbacks, check drift, roll back one, restore',
    async (context) => {
      const db = await createTestDatabase();
      const dir = await writeMigrations({
        '001_projects.sql': 'CREATE TABLE projects (id int);',
        '001_projects.down.sql': 'DROP TABLE projects;',
        '002_members.sql': 'CREATE TABLE members (id int);\nSELECT pg_sleep(0.3);',
        '002_members.down.sql': 'DROP TABLE members;',
        '003_broken.sql': 'ALTER TABLE nowhere ADD COLUMN x int;',
      });
      const backupDir = await mkdtemp(join(tmpdir(), 'ogel-dash-backups-'));
      // A dump whose manifest was never written (a backup killed at the very end): listed as a problem.
      await writeFile(join(backupDir, 'orphan.dump'), 'PGDMP', { mode: 0o600 });
      // backupPolicy always: a rollback is backed up first (by default only protected environments' are).
      const config = {
        backupPolicy: 'always' as const,
        environments: { default: { databaseUrl: 'env:OGEL_TEST_DATABASE_URL' } },
      };
      const server = await startTestServer({ databaseUrl: db.url, dir, config }, { backupDir });
      const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchConsole(page);
      try {
        await login(page, `${server.url}/`, ADMIN, 'default');
        expect(page.url()).not.toContain(ADMIN);
        await expect.poll(() => state(page, '001')).toBe('pending');
        await expect.poll(() => card(page, 'default').textContent()).toContain('3 pending');
        await expect
          .poll(() => page.locator('[data-field="backup-problems"]').textContent())
          .toContain(`${join(backupDir, 'orphan.dump')} has no manifest`);

        await page.getByRole('button', { name: 'Migrate…' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByText('001_projects').waitFor();
        expect(await dialog.textContent()).toContain('001_projects — one transaction');
        await dialog.getByRole('button', { name: 'Confirm' }).click();
        const outcome = page.locator('[data-outcome="default"]');
        await expect.poll(() => outcome.textContent(), { timeout: 10_000 }).toContain('MIGRATION_FAILED');
        const failure = await outcome.textContent();
        expect(failure).toContain('relation "nowhere" does not exist');
        expect(occurrences(failure, '003_broken.sql:1:1')).toBe(1);
        await expect.poll(() => state(page, '002')).toBe('applied');
        expect(await state(page, '003')).toBe('pending');
        await expect.poll(() => page.locator('.progress').textContent()).toContain('002 done');
        expect(occurrences(await page.locator('.progress').textContent(), '003_broken.sql')).toBe(0);

        await page.getByRole('button', { name: 'Rollback test' }).click();
        await expect
          .poll(() => page.locator('[data-check="verify"]').textContent(), { timeout: 20_000 })
          .toContain('003_broken: up-failed');
        await page.getByRole('button', { name: 'Check drift' }).click();
        await expect
          .poll(() => page.locator('[data-check="drift"]').textContent(), { timeout: 20_000 })
          .toContain('No drift');
        await expect.poll(() => card(page, 'default').locator('[data-field="drift"]').textContent()).toBe('no drift');

        await page.getByRole('button', { name: 'Roll back…' }).click();
        await dialog.getByText('002_members').waitFor();
        expect(await dialog.textContent()).toContain('rollback test: ok');
        await dialog.getByRole('button', { name: 'Confirm' }).click();
        await dialog.waitFor({ state: 'detached' }); // after the backup the destructive down asks for
        expect(await outcome.textContent()).toContain('Reverted 1 migration(s): 002_members.');
        expect(await outcome.textContent()).toContain('(before rollback: policy always)');
        await expect.poll(() => state(page, '002')).toBe('pending');
        expect(await query(db.url, "SELECT to_regclass('members') AS r")).toEqual([{ r: null }]);
        const backupId = /Backup (\S+) was taken first/.exec((await outcome.textContent())!)![1]!;

        // Restoring replaces the database, so even this unprotected one asks for its name.
        await page.getByLabel('Backup to restore').selectOption(backupId);
        await page.getByRole('button', { name: 'Restore…' }).click();
        await dialog.getByText(`with backup ${backupId} (version 002`).waitFor();
        expect(await dialog.getByRole('button', { name: 'Confirm' }).isDisabled()).toBe(true);
        await dialog.getByLabel('Type default to confirm').fill('default');
        await dialog.getByRole('button', { name: 'Confirm' }).click();
        await dialog.waitFor({ state: 'detached' });
        expect(await outcome.textContent()).toContain(`Restored backup ${backupId} (version 002).`);
        await expect.poll(() => state(page, '002')).toBe('applied');
        expect(await query(db.url, "SELECT to_regclass('members') IS NOT NULL AS r")).toEqual([{ r: true }]);

        await page.getByRole('button', { name: 'Show migration 001' }).click();
        await expect
          .poll(() => page.locator('.detail pre.sql').first().textContent())
          .toContain('CREATE TABLE projects');
        expect(await page.locator('.detail .hljs-keyword').count()).toBeGreaterThan(0);
        await expect.poll(() => page.locator('.timeline').textContent()).toContain('restore');
        // The chart's caption says what it shows, not uPlot's "Time: -- duration (ms): --".
        const caption = await page.locator('[data-chart-caption]').textContent();
        expect(caption).toMatch(/^2 successful apply event\(s\) · median \d+ ms · slowest 00[12]_\w+ \(\d+ ms\)$/);
        expect(await page.locator('.u-legend').count()).toBe(0);
        await screenshot(page, 'dashboard-admin.png', context);
        expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
      } finally {
        await page.close();
        await server.shutdown();
        await rm(backupDir, { recursive: true, force: true });
      }
    },
  );

  it('per environment: a dev action that ends while prod is shown stays under dev; the hash keeps the environment over a reload; no console errors; desktop and phone', async (context) => {
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '001_a.down.sql': 'DROP TABLE a;',
      '002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(1.5);',
      '002_slow.down.sql': 'DROP TABLE slow;',
    });
    const p = await startPipeline(dir);
    const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchConsole(page);
    try {
      await page.goto(`${p.server.url}/`);
      await page.getByLabel('API token').waitFor();
      expect(errors).toEqual([]); // no call (so no 401) before there is a token
      await login(page, `${p.server.url}/`, ADMIN, 'dev');
      await expect.poll(() => new URL(page.url()).hash).toBe('#env=dev');

      // A rollback test in dev, then prod is shown while it runs: its report must never appear under prod.
      await page.getByRole('button', { name: 'Rollback test' }).click();
      await selectEnv(page, 'prod');
      const prodView = page.locator('main[data-env="prod"]');
      const devBusy = card(page, 'dev').locator('[data-field="busy"]');
      expect(await devBusy.textContent()).toBe('Testing rollbacks…');
      await devBusy.waitFor({ state: 'detached', timeout: 20_000 });
      expect((await p.server.fetch('/verify?env=dev').then((r) => r.json())).report).not.toBeNull();
      expect(await prodView.locator('[data-check="verify"]').count()).toBe(0);
      expect(await page.locator('[data-outcome="prod"]').textContent()).toBe('');
      await selectEnv(page, 'dev');
      await expect.poll(() => page.locator('[data-check="verify"]').textContent()).toContain('Rollback test passed');

      // A slow migrate in dev, its dialog closed while it runs, prod shown until it ended.
      await page.getByRole('button', { name: 'Migrate…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('002_slow').waitFor();
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await dialog.getByRole('button', { name: 'Close (it keeps running)' }).click();
      await selectEnv(page, 'prod');
      expect(await devBusy.textContent()).toBe('Applying…');
      await devBusy.waitFor({ state: 'detached', timeout: 10_000 });
      await expect.poll(() => card(page, 'dev').textContent()).toContain('0 pending');
      expect(await page.locator('[data-outcome="prod"]').textContent()).toBe('');
      expect(await page.locator('[data-progress="prod"]').count()).toBe(0);
      expect(await prodView.locator('tr[data-state="applied"]').count()).toBe(0);

      await page.reload();
      await heading(page, 'prod').waitFor();
      expect(await page.getByRole('button', { name: 'prod', exact: true }).getAttribute('aria-pressed')).toBe('true');
      await page.goBack();
      await heading(page, 'dev').waitFor();
      // After the reload the page's per-environment memory is new; the server's answers are what dev shows.
      await expect.poll(() => state(page, '002')).toBe('applied');
      await selectEnv(page, 'prod');
      await selectEnv(page, 'dev');
      await screenshot(page, 'dashboard-desktop.png', context);
      expect(await overflow(page)).toBe(0);

      const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
      const phoneErrors = watchConsole(phone);
      try {
        await login(phone, `${p.server.url}/#env=dev`, ADMIN, 'dev');
        await expect.poll(() => state(phone, '002')).toBe('applied');
        await phone
          .locator('[data-chart-caption]')
          .getByText(/successful apply/)
          .waitFor();
        expect(await overflow(phone)).toBe(0);
        await phone.getByRole('button', { name: 'Roll back…' }).click();
        await phone.getByRole('dialog').getByText('002_slow').waitFor();
        const box = await phone.getByRole('dialog').boundingBox();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(390);
        await screenshot(phone, 'dashboard-phone-dialog.png', context);
        await phone.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        await screenshot(phone, 'dashboard-phone.png', context);
        expect(phoneErrors).toEqual([]);
      } finally {
        await phone.close();
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await p.cleanup();
    }
  });

  it('read token: sees everything but no action buttons; the keyboard reaches the controls', async (context) => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
    const server = await startTestServer({ databaseUrl: db.url, dir });
    const page = await browser().newPage({ colorScheme: 'dark' });
    try {
      await login(page, `${server.url}/`, READ, 'default');
      await page.locator('tr[data-version="001"]').waitFor();
      expect(await page.getByRole('button', { name: 'Migrate…' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Roll back…' }).count()).toBe(0);
      expect(await heading(page, 'default').textContent()).toContain('read-only');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.tagName);
      expect(focused).toBe('BUTTON');
      await screenshot(page, 'dashboard-read-dark.png', context);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('API token').fill('wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    } finally {
      await page.close();
      await server.shutdown();
    }
  });
});
