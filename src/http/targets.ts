import { authorize, visibleTo, type Access, type Principal } from '../app/access.js';
import type { Target } from '../app/target.js';
import { OgelError } from '../errors.js';
import type { ServerState } from './state.js';

/**
 * The target of `?env=` (or the default), once the caller is allowed to read or change it: unknown names are a
 * 404 listing the ones the caller may see; a token limited to other environments gets the app layer's 403.
 */
export function targetFor(
  state: ServerState,
  env: string | undefined,
  principal: Principal | null,
  access: Access,
): Target {
  const name = env ?? (principal ? defaultEnvironmentFor(state, principal) : state.defaultEnvironment);
  const target = name === null ? undefined : state.targets.get(name);
  if (!target) {
    const known = [...state.targets.keys()].filter(
      (n) => !principal?.environments || principal.environments.includes(n),
    );
    throw new OgelError(
      'NOT_FOUND',
      name === null
        ? `Pass ?env= (known: ${known.join(', ')})`
        : `Unknown environment "${name}" (known: ${known.join(', ')})`,
      { env: name, known },
    );
  }
  if (principal) authorize(principal, target.name, access);
  return target;
}

/**
 * Where a request without `?env=` acts for this caller (what GET /session reports): the server's default if the
 * caller may see it, else the first environment it may — a token scoped to staging works on staging.
 */
export function defaultEnvironmentFor(state: ServerState, principal: Principal): string | null {
  const names = visibleTo(principal, state.targets.keys());
  return state.defaultEnvironment !== null && names.includes(state.defaultEnvironment)
    ? state.defaultEnvironment
    : (names[0] ?? null);
}
