import { globRegex } from '../core/glob.js';
import { OgelError } from '../errors.js';

/** Which targets an operation covers: `--only` / `--except` names or globs (`tenant_0*`). */
export interface FleetSelection {
  only?: readonly string[];
  except?: readonly string[];
}

/**
 * The members `selection` keeps, in the fleet's order. A plain name (no `*` or `?`) that matches no target is
 * a usage error naming it: a typo must not silently shrink a rollout. Pure.
 */
export function selectMembers<M extends { name: string }>(members: readonly M[], selection: FleetSelection): M[] {
  const patterns = (list: readonly string[] | undefined, field: 'only' | 'except') => {
    if (!list || list.length === 0) return null;
    const names = new Set(members.map((m) => m.name));
    const unknown = list.filter((p) => !/[*?]/.test(p) && !names.has(p));
    if (unknown.length > 0) {
      throw new OgelError('USAGE', `Unknown target(s) in "${field}": ${unknown.join(', ')}`, { unknown });
    }
    return list.map(globRegex);
  };
  const only = patterns(selection.only, 'only');
  const except = patterns(selection.except, 'except');
  const selected = members.filter(
    (m) => (!only || only.some((r) => r.test(m.name))) && !(except && except.some((r) => r.test(m.name))),
  );
  if (selected.length === 0 && (only || except))
    throw new OgelError('USAGE', 'No target left after "only" / "except"', {});
  return selected;
}
