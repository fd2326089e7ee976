import { OgelError } from '../errors.js';

/** Who asks for an operation, as every surface names them. */
export interface Principal {
  /** Recorded as the actor of every event it causes: `token ci-staging`, `cli:alice`, `library`. */
  actor: string;
  /** `read` may only look; `admin` may change things. */
  role: 'admin' | 'read';
  /** The environments it may act on; undefined means all of them. */
  environments?: readonly string[];
}

/** The library's own principal: an embedder holds the database credentials, so nothing is withheld. */
export const LIBRARY: Principal = { actor: 'library', role: 'admin' };

export type Access = 'read' | 'write';

/** Whether `principal` may read or change `environment`; the answer every surface gets (HTTP: 403). */
export function authorize(principal: Principal, environment: string, access: Access): void {
  if (principal.environments && !principal.environments.includes(environment)) {
    throw new OgelError(
      'FORBIDDEN',
      `${principal.actor} may not act on ${environment} (it is limited to ${principal.environments.join(', ') || 'no environment'})`,
      { environment, allowed: [...principal.environments] },
    );
  }
  if (access === 'write' && principal.role !== 'admin') {
    throw new OgelError('FORBIDDEN', `${principal.actor} has the read role: it cannot change ${environment}`, {
      environment,
      role: principal.role,
    });
  }
}

/** The environments of `names` that `principal` may see. */
export function visibleTo(principal: Principal, names: Iterable<string>): string[] {
  return [...names].filter((name) => !principal.environments || principal.environments.includes(name));
}
