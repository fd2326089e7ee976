import { OgelError } from '../errors.js';
import type { IntrospectResult } from '../adopt/introspect.js';
import { authorize, LIBRARY, type Principal } from './access.js';
import type { Target } from './target.js';

export interface IntrospectRequest {
  /** Record the fully applied migrations as baseline rows (a change: protected environments need confirm). */
  applyPlan?: boolean;
  confirm?: string;
}

/**
 * `baseline --introspect`: classify pending migrations against the live catalogs and, with `applyPlan`, record
 * the applied ones. Its plan depends on the catalogs as much as on the files, so the confirmation names the
 * environment (the results are shown before anything is recorded).
 */
export async function introspectTarget(
  target: Target,
  request: IntrospectRequest,
  principal: Principal = LIBRARY,
): Promise<{ runId: string | null; results: IntrospectResult[]; baselined: string[] }> {
  authorize(principal, target.name, request.applyPlan ? 'write' : 'read');
  if (request.applyPlan && target.protected && request.confirm !== target.name) {
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `${target.name} is protected: recording baseline rows needs {"confirm": "${target.name}"} (CLI: --yes). Nothing was changed.`,
      { environment: target.name, requires: { confirm: target.name } },
    );
  }
  return target.runner.baselineIntrospect({ applyPlan: request.applyPlan, actor: principal.actor });
}
