import { resolve } from 'node:path';
import { OgelError } from '../errors.js';
import type { LoadedConfig } from './load.js';
import type { EnvironmentConfig, OgelConfig } from './schema.js';

/** An environment after its `env:NAME` references were read from the process environment. */
export interface ResolvedEnvironment {
  name: string;
  databaseUrl: string;
  after: string | undefined;
  protected: boolean;
  settings: EnvironmentConfig;
}

const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Reads a `databaseUrl` value: `env:NAME` is looked up; a literal URL is allowed only without a password, so a
 * secret is never committed in the config file.
 */
export function resolveSecretReference(
  value: string,
  key: string,
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
): string {
  const reference = ENV_REFERENCE.exec(value);
  if (reference) {
    const found = env[reference[1]!];
    if (!found) {
      throw new OgelError(
        'CONFIG_INVALID',
        `${key} in ${loaded.file ?? 'config'} refers to environment variable ${reference[1]}, which is not set`,
        {
          file: loaded.file,
          key,
          variable: reference[1],
        },
      );
    }
    return found;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^@\s]+@/i.test(value)) {
    throw new OgelError(
      'CONFIG_INVALID',
      `${key} in ${loaded.file ?? 'config'} contains a password; reference it instead, e.g. "env:DATABASE_URL"`,
      {
        file: loaded.file,
        key,
      },
    );
  }
  return value;
}

export function environmentNames(config: OgelConfig): string[] {
  return Object.keys(config.environments ?? {});
}

/** Resolves one named environment, or a usage error listing the known names. */
export function resolveEnvironment(loaded: LoadedConfig, name: string, env: NodeJS.ProcessEnv): ResolvedEnvironment {
  const environments = loaded.config.environments ?? {};
  const settings = environments[name];
  if (!settings) {
    const known = Object.keys(environments);
    throw new OgelError(
      'CONFIG_INVALID',
      // Named by --env, $OGEL_MIGRATE_ENV, a diff or a token: the message names the environment, not a flag.
      known.length === 0
        ? `Environment "${name}": no environments are configured${loaded.file ? ` in ${loaded.file}` : ' (no ogel-migrate.config.json found; run `ogel-migrate init`)'}`
        : `Environment "${name}": unknown environment (configured: ${known.join(', ')})`,
      { env: name, known, file: loaded.file },
    );
  }
  return {
    name,
    databaseUrl: resolveSecretReference(settings.databaseUrl, `environments.${name}.databaseUrl`, loaded, env),
    after: settings.after,
    protected: settings.protected ?? false,
    settings,
  };
}

/** Paths in the config file are relative to the file, not to wherever the command runs. */
export function configPath(loaded: LoadedConfig, value: string | undefined): string | undefined {
  return value === undefined ? undefined : resolve(loaded.baseDir, value);
}
