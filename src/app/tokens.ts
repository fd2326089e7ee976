import type { LoadedConfig } from '../config/load.js';
import { resolveSecretReference } from '../config/resolve.js';
import { OgelError } from '../errors.js';
import type { Principal } from './access.js';

/** A bearer token the HTTP service accepts, and who it stands for. */
export interface TokenGrant {
  secret: string;
  principal: Principal;
}

/** Shorter tokens can be guessed; whitespace can never arrive in a bearer header, so it is always a mistake. */
const MIN_TOKEN_LENGTH = 16;

/**
 * The tokens of the HTTP service: $OGEL_MIGRATE_TOKEN (admin, every environment), $OGEL_MIGRATE_READ_TOKEN (read,
 * every environment) and the config's `tokens` (each with a role and, optionally, the environments it is
 * limited to; its secret an `env:NAME` reference). A token that could never authenticate, or two grants with
 * the same secret, are refused at start.
 */
export function resolveTokens(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  defaults: { admin?: string; read?: string } = { admin: env.OGEL_MIGRATE_TOKEN, read: env.OGEL_MIGRATE_READ_TOKEN },
): TokenGrant[] {
  const grants: TokenGrant[] = [];
  const add = (secret: string, principal: Principal, where: string) => {
    checkToken(secret, where);
    if (grants.some((g) => g.secret === secret)) {
      throw new OgelError('CONFIG_INVALID', `${where} has the same value as another token: give each its own`, {
        key: where,
      });
    }
    grants.push({ secret, principal });
  };
  if (defaults.admin) add(defaults.admin, { actor: 'token admin', role: 'admin' }, 'OGEL_MIGRATE_TOKEN');
  if (defaults.read) add(defaults.read, { actor: 'token read', role: 'read' }, 'OGEL_MIGRATE_READ_TOKEN');
  for (const [name, grant] of Object.entries(loaded.config.tokens ?? {})) {
    const key = `tokens.${name}.token`;
    const secret = resolveSecretReference(grant.token, key, loaded, env);
    add(
      secret,
      { actor: `token ${name}`, role: grant.role, ...(grant.environments ? { environments: grant.environments } : {}) },
      key,
    );
  }
  return grants;
}

/** Refuses a token no request could ever present, or one short enough to guess. */
export function checkToken(secret: string, where: string): void {
  if (/\s/.test(secret)) {
    throw new OgelError(
      'CONFIG_INVALID',
      `${where} contains whitespace, which a bearer token cannot carry: no request could ever use it`,
      { key: where },
    );
  }
  if (secret.length < MIN_TOKEN_LENGTH) {
    throw new OgelError(
      'CONFIG_INVALID',
      `${where} is ${secret.length} characters: use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -base64 32)`,
      { key: where },
    );
  }
}
