import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from '../harness/db.js';
import { startTestServer, type TestServer } from '../harness/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** A token the config limits to staging, with the admin role there: the CI token of issue #16. */
export const CI_STAGING = 'ci-staging-token-for-tests';

/** One headless Chromium for the file, closed after it. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
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
  return () => browser!;
}

/** Everything the page wrote to the console as an error, and every uncaught exception. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

export async function login(page: Page, url: string, token: string, env: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, env).waitFor();
}

/** The selected environment's heading: `Migrations — prod protected`. */
export const heading = (page: Page, env: string) =>
  page.getByRole('heading', { name: new RegExp(`^Migrations — ${env}\\b`) });

/** The environment's card in the overview, and the button that selects it. */
export const card = (page: Page, env: string) => page.locator(`.card[data-env="${env}"]`);
export const selectEnv = async (page: Page, env: string) => {
  await page.getByRole('button', { name: env, exact: true }).click();
  await heading(page, env).waitFor();
};

/**
 * A full-page screenshot in test-results/, attached to the test as an annotation and in `task.meta.screenshots`
 * (for reporters), and its path printed (the default reporter shows annotations of failed tests only). Not
 * an annotation attachment: vitest would copy the file into .vitest-attachments/ at the repository's root.
 */
export async function screenshot(page: Page, name: string, context: TestContext): Promise<void> {
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  const meta = context.task.meta as { screenshots?: string[] };
  (meta.screenshots ??= []).push(path);
  await context.annotate(`screenshot: ${path}`, 'screenshot');
  console.log(`screenshot: ${relative(process.cwd(), path)}`);
}

export interface Pipeline {
  server: TestServer;
  dir: string;
  urls: Record<'dev' | 'staging' | 'prod', string>;
  cleanup: () => Promise<void>;
}

/**
 * The pipeline `init` writes: staging after dev, prod after staging and protected; each its own database, one
 * migrations directory, backups in a private folder, and a CI token limited to staging.
 */
export async function startPipeline(dir: string): Promise<Pipeline> {
  const [dev, staging, prod] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
  const backupDir = await mkdtemp(join(tmpdir(), 'ogel-dash-backups-'));
  const server = await startTestServer({
    dir,
    config: {
      backupDir,
      environments: {
        dev: { databaseUrl: 'env:DEV_URL' },
        staging: { databaseUrl: 'env:STAGING_URL', after: 'dev' },
        prod: { databaseUrl: 'env:PROD_URL', after: 'staging', protected: true },
      },
      tokens: { 'ci-staging': { token: 'env:CI_TOKEN', role: 'admin', environments: ['staging'] } },
    },
    env: { DEV_URL: dev.url, STAGING_URL: staging.url, PROD_URL: prod.url, CI_TOKEN: CI_STAGING },
  });
  return {
    server,
    dir,
    urls: { dev: dev.url, staging: staging.url, prod: prod.url },
    cleanup: async () => {
      await server.shutdown();
      await rm(backupDir, { recursive: true, force: true });
    },
  };
}
