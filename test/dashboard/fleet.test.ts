import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestDatabase, query, urlForDatabase } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { ADMIN, READ, startTestServer, type TestServer } from '../harness/server.js';
import { appliedIn, tenantDatabases } from '../fleet/fixture.js';
import { heading, login, screenshot, useBrowser, watchConsole } from './browser.js';

const browser = useBrowser();

/** How far the page is wider than the window: 0 when nothing overflows sideways. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const fleetHeading = (page: Page) => page.getByRole('heading', { name: /^Fleet — tenants\b/ });
const count = (page: Page, state: string) =>
  page.locator(`.fleet-counts [data-state="${state}"] [data-count]`).textContent();
const row = (page: Page, list: 'failing' | 'lagging', target: string) =>
  page.locator(`[data-targets="${list}"] tr[data-target="${target}"]`);

/** Signs in on a page whose hash already names the fleet: its view, not an environment's, comes up. */
async function signInTo(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await fleetHeading(page).waitFor();
}

/**
 * A protected fleet of real tenant databases next to one environment: one tenant up to date, two behind by
 * both migrations, one changed by hand after its migrate (001's recorded checksum no longer matches its file,
 * so its status fails and a migrate refuses it), and one whose database is gone (unreachable).
 */
async function fleetServer() {
  const [control, tenants] = await Promise.all([createTestDatabase('dfc'), tenantDatabases(4, 'dft')]);
  const [upToDate, behind1, behind2, broken] = [tenants[0]!, tenants[1]!, tenants[2]!, tenants[3]!];
  const gone = { name: `dft_gone_${process.pid}`, url: urlForDatabase(`dft_gone_${process.pid}`) };
  const dir = await writeMigrations({
    '001_a.sql': 'CREATE TABLE a (id int);',
    '001_a.down.sql': 'DROP TABLE a;',
    '002_b.sql': 'CREATE TABLE b (id int);',
    '002_b.down.sql': 'DROP TABLE b;',
  });
  const members = [...tenants, gone];
  const env: NodeJS.ProcessEnv = {};
  members.forEach((t, i) => (env[`T${i}`] = t.url));
  const server = await startTestServer({
    databaseUrl: control.url,
    dir,
    config: {
      environments: { default: { databaseUrl: 'env:OGEL_TEST_DATABASE_URL' } },
      fleets: { tenants: { targets: members.map((_, i) => `env:T${i}`), protected: true } },
    },
    env,
  });
  // Through the API, before any page: two tenants migrated, then one of them edited by hand.
  const only = [upToDate.name, broken.name];
  const plan = await json(server, `/fleet/plan?fleet=tenants&only=${only.join(',')}`);
  const first = await json(server, '/fleet/migrate?fleet=tenants', { only, confirm: 'tenants', plan: plan.planId });
  expect(first.counts).toMatchObject({ applied: 2 });
  await query(broken.url, "UPDATE platform.schema_migrations SET checksum = 'sha256:edited' WHERE version = '001'");
  const overview = await json(server, '/fleet?fleet=tenants&fresh=true');
  expect(overview.counts).toMatchObject({ 'up-to-date': 1, behind: 2, failed: 1, unreachable: 1 });
  return { server, upToDate, behind1, behind2, broken, gone };
}

async function json(server: TestServer, path: string, body?: unknown) {
  const response = await server.fetch(path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

describe('dashboard fleet view in Chromium', () => {
  it('admin: counts by state, the failing tenant with its error, the lagging ones, a drill-down that survives a reload, a reviewed protected migrate; desktop and phone', async (context) => {
    const { server, upToDate, behind1, behind2, broken, gone } = await fleetServer();
    const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchConsole(page);
    try {
      await login(page, `${server.url}/`, ADMIN, 'default');
      const nav = page.getByRole('navigation', { name: 'Fleets' });
      await nav.getByRole('button', { name: 'Fleet tenants' }).click();
      await fleetHeading(page).waitFor();
      await expect.poll(() => new URL(page.url()).hash).toBe('#fleet=tenants');
      expect(await fleetHeading(page).textContent()).toContain('protected');

      await expect.poll(() => count(page, 'failed')).toBe('1');
      expect(await count(page, 'up-to-date')).toBe('1');
      expect(await count(page, 'behind')).toBe('2');
      expect(await count(page, 'unreachable')).toBe('1');
      expect(await count(page, 'not-reached')).toBe('0');
      const failing = row(page, 'failing', broken.name);
      expect(await failing.getAttribute('data-state')).toBe('failed');
      expect(await failing.locator('[data-field="error"]').textContent()).toBe('CHECKSUM_MISMATCH 001 modified');
      const unreachable = row(page, 'failing', gone.name);
      expect(await unreachable.getAttribute('data-state')).toBe('unreachable');
      expect(await unreachable.locator('[data-field="error"]').textContent()).toContain(
        `DB_CONNECTION Cannot connect to postgres://postgres:****@`,
      );
      expect(await unreachable.textContent()).toContain(`database "${gone.name}" does not exist`);
      expect(await page.locator('[data-targets="failing"] tbody tr').count()).toBe(2);
      for (const t of [behind1, behind2]) {
        expect(await row(page, 'lagging', t.name).textContent()).toContain('2: 001, 002');
      }
      expect(await page.locator('[data-targets="lagging"] tbody tr').count()).toBe(2);
      expect(await row(page, 'lagging', upToDate.name).count()).toBe(0);
      expect(await nav.locator('[data-field="counts"]').textContent()).toBe(
        '1 up to date · 2 behind · 1 failed · 1 unreachable',
      );

      // Drill-down into the edited tenant: its migrations and its error, kept over a reload.
      await page.getByRole('button', { name: `Show target ${broken.name}` }).click();
      const detail = page.locator(`[data-detail="${broken.name}"]`);
      await detail.locator('[data-field="summary"]').waitFor();
      expect(await detail.locator('tr[data-version="001"]').getAttribute('data-state')).toBe('modified');
      expect(await detail.locator('tr[data-version="002"]').getAttribute('data-state')).toBe('applied');
      expect(await detail.locator('[data-field="target-state"]').textContent()).toContain(
        'failed: CHECKSUM_MISMATCH 001 modified',
      );
      await expect.poll(() => new URL(page.url()).hash).toBe(`#fleet=tenants&target=${broken.name}`);
      await page.reload();
      await fleetHeading(page).waitFor();
      await detail.locator('[data-field="summary"]').waitFor();
      await page.getByRole('button', { name: `Show target ${behind1.name}` }).click();
      const lagging = page.locator(`[data-detail="${behind1.name}"]`);
      await expect.poll(() => lagging.locator('[data-field="summary"]').textContent()).toContain('2 pending');
      expect(await lagging.locator('tr[data-state="pending"]').count()).toBe(2);

      // The protected fleet's migrate: the plan first, Confirm only once its name is typed back.
      await page.getByRole('button', { name: 'Migrate fleet…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('[data-plan-id]').waitFor();
      const planned = await dialog.getByRole('list', { name: 'Planned per target' }).textContent();
      expect(planned).toContain(`${behind1.name}: 001, 002`);
      expect(planned).toContain(`${behind2.name}: 001, 002`);
      expect(planned).not.toContain(upToDate.name);
      const confirm = dialog.getByRole('button', { name: 'Confirm' });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Type tenants to confirm').fill('tenant');
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Type tenants to confirm').fill('tenants');
      await confirm.click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      const outcome = page.locator('[data-outcome="fleet:tenants"]');
      await expect.poll(() => outcome.textContent()).toContain('Migrated fleet tenants:');
      const result = await outcome.textContent();
      expect(result).toContain('1 up to date · 2 applied · 1 failed · 1 unreachable.');
      expect(result).toContain(`${broken.name}: CHECKSUM_MISMATCH`);
      expect(result).toContain(`${gone.name}: DB_CONNECTION`);
      expect(await appliedIn(behind1.url)).toEqual(['001', '002']);
      expect(await appliedIn(behind2.url)).toEqual(['001', '002']);
      await expect.poll(() => count(page, 'up-to-date'), { timeout: 10_000 }).toBe('3');
      expect(await count(page, 'behind')).toBe('0');
      expect(await count(page, 'failed')).toBe('1');
      expect(await count(page, 'unreachable')).toBe('1');
      expect(await page.locator('[data-targets="lagging"] tbody tr').count()).toBe(0);
      // The open detail follows the run.
      await expect.poll(() => lagging.locator('[data-field="summary"]').textContent()).toContain('0 pending');
      await screenshot(page, 'fleet-desktop.png', context);
      expect(await overflow(page)).toBe(0);

      // A rollback of one step on every target: reviewed and confirmed the same way, bound to its own plan.
      await page.getByLabel('Steps to roll back on every target').fill('1');
      await page.getByRole('button', { name: 'Roll back fleet…' }).click();
      await dialog.locator('[data-plan-id]').waitFor();
      expect(await dialog.locator('h3').textContent()).toContain('Roll back 1 migration(s) on fleet tenants');
      const reverting = await dialog.getByRole('list', { name: 'Reverted per target' }).textContent();
      // The edited tenant too: its changed 001 is not what a rollback of one step reverts.
      for (const t of [upToDate, behind1, behind2, broken]) expect(reverting).toContain(`${t.name}: 002`);
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel('Type tenants to confirm').fill('tenants');
      await confirm.click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
      await expect.poll(() => outcome.textContent()).toContain('Rolled back fleet tenants:');
      expect(await outcome.textContent()).toContain('4 reverted · 1 unreachable.');
      for (const t of [upToDate, behind1, behind2, broken]) expect(await appliedIn(t.url)).toEqual(['001']);
      await expect.poll(() => count(page, 'behind'), { timeout: 10_000 }).toBe('3');

      // The fleet's rollback test: once per server, on a scratch database, never on a tenant.
      await page.getByRole('button', { name: 'Rollback test' }).click();
      const verified = page.locator('[data-check="fleet-verify"]');
      await expect.poll(() => verified.textContent(), { timeout: 30_000 }).toContain('rollback test passed: 2 ok');
      expect(await verified.textContent()).toContain(`(5 target(s), with ${upToDate.name}'s values)`);
      expect(await appliedIn(upToDate.url)).toEqual(['001']);
      expect(errors).toEqual([]);

      const phone = await browser().newPage({ viewport: { width: 390, height: 844 } });
      const phoneErrors = watchConsole(phone);
      try {
        await signInTo(phone, `${server.url}/#fleet=tenants&target=${broken.name}`, ADMIN);
        await phone.locator(`[data-detail="${broken.name}"] [data-field="summary"]`).waitFor();
        await expect.poll(() => count(phone, 'failed')).toBe('1');
        expect(await overflow(phone)).toBe(0);
        // The failing table is wider than the phone: it scrolls inside its box.
        const box = phone.getByRole('region', { name: 'Failing targets table' });
        expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
        await screenshot(phone, 'fleet-phone.png', context);
        await phone.getByRole('button', { name: 'Migrate fleet…' }).click();
        await phone.getByRole('dialog').locator('[data-plan-id]').waitFor();
        const dialogBox = await phone.getByRole('dialog').boundingBox();
        expect(dialogBox!.x).toBeGreaterThanOrEqual(0);
        expect(dialogBox!.x + dialogBox!.width).toBeLessThanOrEqual(390);
        await screenshot(phone, 'fleet-phone-dialog.png', context);
        await phone.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        expect(phoneErrors).toEqual([]);
      } finally {
        await phone.close();
      }
    } finally {
      await page.close();
      await server.shutdown();
    }
  });

  it('read token: sees the fleet but no action; the keyboard reaches the fleet and a target; no fleet entry without fleets', async (context) => {
    const { server, broken } = await fleetServer();
    const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchConsole(page);
    try {
      await login(page, `${server.url}/`, READ, 'default');
      const select = page.getByRole('button', { name: 'Fleet tenants' });
      await select.waitFor();
      const focusedLabel = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
      for (let i = 0; i < 40 && (await focusedLabel()) !== 'Fleet tenants'; i++) await page.keyboard.press('Tab');
      expect(await focusedLabel()).toBe('Fleet tenants');
      await page.keyboard.press('Enter');
      await fleetHeading(page).waitFor();
      expect(await fleetHeading(page).textContent()).toContain('read-only');
      await expect.poll(() => count(page, 'failed')).toBe('1');
      expect(await page.getByRole('button', { name: 'Migrate fleet…' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /Roll back|Rollback|Migrate/ }).count()).toBe(0);

      const show = `Show target ${broken.name}`;
      for (let i = 0; i < 40 && (await focusedLabel()) !== show; i++) await page.keyboard.press('Tab');
      expect(await focusedLabel()).toBe(show);
      await page.keyboard.press('Enter');
      await page.locator(`[data-detail="${broken.name}"] tr[data-state="modified"]`).waitFor();
      await screenshot(page, 'fleet-read.png', context);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.shutdown();
    }

    const db = await createTestDatabase();
    const plain = await startTestServer({
      databaseUrl: db.url,
      dir: await writeMigrations({ '001_a.sql': 'SELECT 1;' }),
    });
    const other = await browser().newPage();
    try {
      const answered = other.waitForResponse((r) => new URL(r.url()).pathname === '/fleets');
      await login(other, `${plain.url}/#fleet=tenants`, ADMIN, 'default');
      expect(await (await answered).json()).toEqual({ fleets: [] });
      expect(await other.getByRole('navigation', { name: 'Fleets' }).count()).toBe(0);
      // A fleet in an old link falls back to the environment in place.
      expect(new URL(other.url()).hash).toBe('#env=default');
      expect(await heading(other, 'default').count()).toBe(1);
    } finally {
      await other.close();
      await plain.shutdown();
    }
  });
});
