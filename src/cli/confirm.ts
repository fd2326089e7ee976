import type { Confirmation } from '../app/guards.js';
import type { Target } from '../app/target.js';
import { OgelError } from '../errors.js';
import type { CliContext } from './context.js';
import { flushStderr } from './stderr-batch.js';

/**
 * The confirmation a human gives for a protected environment, bound to the plan they were shown: `--yes`
 * confirms the plan just printed, `--plan ID` the one reviewed earlier (e.g. in another CI job); on a terminal
 * they type the environment's name. Without either the guarded operation refuses with CONFIRMATION_REQUIRED,
 * the same answer every surface gets.
 */
export async function confirmPlan(
  target: Target,
  ctx: CliContext,
  given: { yes?: boolean; plan?: string },
  /** `because`: why an unprotected environment asks (a restore replaces it). */
  plan: { planId: string; planned: number; because?: string | undefined },
  question: string,
): Promise<Confirmation> {
  const bound = { plan: given.plan ?? plan.planId };
  if (given.yes) return { confirm: target.name, ...bound };
  if (!target.protected || plan.planned === 0) return given.plan ? bound : {};
  // A plan id is what a review produced (`plan --json`, in an earlier CI job): naming it confirms that plan
  // for this environment, as HTTP's { confirm, plan } does; a plan that moved since is PLAN_CHANGED.
  if (given.plan !== undefined && !ctx.interactive) return { confirm: target.name, ...bound };
  if (!ctx.interactive) return {};
  // Loaded only to ask: readline costs every start of the CLI ~30 ms otherwise.
  const { createInterface } = await import('node:readline/promises');
  flushStderr(); // the prompt follows the plan printed before it
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const why = plan.because ?? `${target.name} is protected`;
    const answer = await rl.question(`${why}. ${question} Type "${target.name}" to confirm: `);
    if (answer.trim() !== target.name) {
      throw new OgelError('CONFIRMATION_REQUIRED', 'Not confirmed. Nothing was changed.', { environment: target.name });
    }
    return { confirm: target.name, ...bound };
  } finally {
    rl.close();
  }
}
