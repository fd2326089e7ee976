import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { ADMIN, READ, startTestServer } from '../harness/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-results/', import.meta.url);

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function login(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Migrations — default/ }).waitFor();
}

const state = (page: Page, version: string) => page.locator(`tr[data-version="${version}"]`).getAttribute('data-state');

describe('dashboard in Chromium', () => {
  it('admin: log in, see pending, migrate with a confirmed plan, see a failure, roll back one', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_projects.sql': 'CREATE TABLE projects (id int);',
      '001_projects.down.sql': 'DROP TABLE projects;',
      '002_members.sql': 'CREATE TABLE members (id int);\nSELECT pg_sleep(0.3);',
      '002_members.down.sql': 'DROP TABLE members;',
      '003_broken.sql': 'ALTER TABLE nowhere ADD COLUMN x int;',
    });
    const server = await startTestServer({ databaseUrl: db.url, dir });
    const page = await browser.newPage();
    try {
      await login(page, `${server.url}/`, ADMIN);
      expect(page.url()).not.toContain(ADMIN);
      expect(await state(page, '001')).toBe('pending');
      await expect.poll(() => page.locator('.card').first().textContent()).toContain('3 pending');

      await page.getByRole('button', { name: 'Migrate…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('001_projects — one transaction');
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      const failure = page.getByRole('status');
      await expect.poll(() => failure.textContent(), { timeout: 10_000 }).toContain('MIGRATION_FAILED');
      expect(await failure.textContent()).toContain('relation "nowhere" does not exist');
      expect(await failure.textContent()).toContain('003_broken.sql:1:1');
      await expect.poll(() => state(page, '002')).toBe('applied');
      expect(await state(page, '003')).toBe('pending');
      await expect.poll(() => page.locator('.progress').textContent()).toContain('002 done');

      await page.getByRole('button', { name: 'Rollback test' }).click();
      await expect
        .poll(() => page.locator('[data-check="verify"]').textContent(), { timeout: 20_000 })
        .toContain('003_broken: up-failed');
      await page.getByRole('button', { name: 'Check drift' }).click();
      await expect
        .poll(() => page.locator('[data-check="drift"]').textContent(), { timeout: 20_000 })
        .toContain('No drift');
      await page.getByRole('button', { name: 'Roll back…' }).click();
      expect(await page.getByRole('dialog').textContent()).toContain('002_members');
      expect(await page.getByRole('dialog').textContent()).toContain('rollback test: ok');
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await expect.poll(() => state(page, '002')).toBe('pending');
      expect(await query(db.url, "SELECT to_regclass('members') AS r")).toEqual([{ r: null }]);

      await page.getByRole('button', { name: 'Show migration 001' }).click();
      await expect.poll(() => page.locator('.detail pre.sql').first().textContent()).toContain('CREATE TABLE projects');
      expect(await page.locator('.detail .hljs-keyword').count()).toBeGreaterThan(0);
      await expect.poll(() => page.locator('.timeline').textContent()).toContain('rollback');
      await page.screenshot({ path: new URL('dashboard-admin.png', ARTIFACTS).pathname, fullPage: true });
    } finally {
      await page.close();
      await server.shutdown();
    }
  });

  it('read token: sees everything but no action buttons; the keyboard reaches the controls', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
    const server = await startTestServer({ databaseUrl: db.url, dir });
    const page = await browser.newPage({ colorScheme: 'dark' });
    try {
      await login(page, `${server.url}/`, READ);
      expect(await page.locator('tr[data-version="001"]').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Migrate…' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Roll back…' }).count()).toBe(0);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.tagName);
      expect(focused).toBe('BUTTON');
      await page.screenshot({ path: new URL('dashboard-read-dark.png', ARTIFACTS).pathname, fullPage: true });
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
