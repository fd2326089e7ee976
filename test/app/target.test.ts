import { describe, expect, it } from 'vitest';
import { openTarget } from '../../src/app/target.js';
import type { LoadedConfig } from '../../src/config/load.js';
import type { OgelConfig } from '../../src/config/schema.js';
import { OgelError } from '../../src/errors.js';

const DEV = 'postgres://app:devpw@db.internal:5432/dev';
const PROD = 'postgres://app:prodpw@db.internal:5432/prod';

const loaded = (config: OgelConfig): LoadedConfig => ({ config, file: '/p/ogel-migrate.config.json', baseDir: '/p' });
const environments: OgelConfig['environments'] = {
  dev: { databaseUrl: 'env:DATABASE_URL' },
  prod: { databaseUrl: 'env:PROD_DATABASE_URL', after: 'dev', protected: true, lockTimeoutMs: 2222 },
};
const open = (config: OgelConfig, name: string | undefined, env: NodeJS.ProcessEnv, databaseUrl?: string) =>
  openTarget(loaded(config), name, databaseUrl ? { databaseUrl } : {}, {
    env,
    cwd: '/p',
    clientName: 'test',
    database: 'required',
  });
const failure = (fn: () => unknown): OgelError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OgelError) return error;
    throw error;
  }
  throw new Error('did not throw');
};

describe('openTarget: which database, with which rules', () => {
  it('a defaultEnv whose variable is unset names the key and the variable, not "No database URL"', () => {
    const error = failure(() => open({ defaultEnv: 'prod', environments }, undefined, { DATABASE_URL: DEV }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('environments.prod.databaseUrl');
    expect(error.message).toContain('PROD_DATABASE_URL');
  });

  it('defaultEnv: prod wins over a stray $DATABASE_URL, with prod’s rules and settings', () => {
    const target = open({ defaultEnv: 'prod', environments }, undefined, {
      DATABASE_URL: DEV,
      PROD_DATABASE_URL: PROD,
    });
    expect(target).toMatchObject({ name: 'prod', protected: true, upstream: 'dev' });
    expect(target.runnerOptions).toMatchObject({ databaseUrl: PROD, lockTimeoutMs: 2222, name: 'prod' });
  });

  it('environments without defaultEnv are not silently ignored', () => {
    const named: OgelConfig['environments'] = {
      staging: { databaseUrl: 'env:STAGING_URL' },
      prod: { databaseUrl: 'env:PROD_DATABASE_URL', protected: true },
    };
    const env = { STAGING_URL: DEV, PROD_DATABASE_URL: PROD };
    const error = failure(() =>
      open({ environments: named }, undefined, { ...env, DATABASE_URL: 'postgres://other@h/x' }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('configures environments (staging, prod) but none is selected');
    // A $DATABASE_URL that is one of theirs selects it, with its rules.
    expect(open({ environments: named }, undefined, { ...env, DATABASE_URL: PROD })).toMatchObject({
      name: 'prod',
      protected: true,
    });
  });

  it('a URL given on the command line that is prod’s (any password) keeps prod’s rules', () => {
    const env = { DATABASE_URL: DEV, PROD_DATABASE_URL: PROD };
    const target = open({ environments }, undefined, env, 'postgresql://app:other@DB.internal/prod');
    expect(target).toMatchObject({ name: 'prod', protected: true });
    const error = failure(() => open({ environments }, 'dev', env, PROD));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("environment prod's database, not dev's");
    // A URL of no environment is a plain target: no rules to apply.
    expect(open({ environments }, undefined, env, 'postgres://app@elsewhere/x')).toMatchObject({
      name: 'default',
      protected: false,
    });
  });

  it('settings: flags > the environment’s > the file’s > defaults', () => {
    const config: OgelConfig = { lockTimeoutMs: 4000, lockWaitMs: 1000, environments };
    const env = { DATABASE_URL: DEV, PROD_DATABASE_URL: PROD };
    expect(open(config, 'prod', env).runnerOptions).toMatchObject({ lockTimeoutMs: 2222, lockWaitMs: 1000 });
    expect(open(config, 'dev', env).runnerOptions).toMatchObject({ lockTimeoutMs: 4000, lockWaitMs: 1000 });
    const flagged = openTarget(loaded(config), 'prod', { lockTimeoutMs: 10 }, { env, cwd: '/p', clientName: 't' });
    expect(flagged.runnerOptions.lockTimeoutMs).toBe(10);
  });

  it('offline commands get a target without a URL', () => {
    const target = openTarget(
      loaded({ defaultEnv: 'prod', environments }),
      undefined,
      {},
      {
        env: {},
        cwd: '/p',
        clientName: 't',
        database: 'optional',
      },
    );
    expect(target.name).toBe('prod');
    expect(target.runnerOptions.databaseUrl).toBeUndefined();
  });
});
