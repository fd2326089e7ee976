import { createInterface } from 'node:readline/promises';
import type { Migration } from '../core/migration.js';
import { OgelError } from '../errors.js';
import type { Workspace } from '../environments/workspace.js';
import type { BeforeApply } from '../runner/runner.js';
import type { CliContext } from './context.js';

/**
 * A protected environment changes only with `--yes`, or after a human answers "y" on a terminal. Without
 * either (CI has no TTY) the command refuses, changing nothing.
 */
export async function confirmProtected(
  workspace: Workspace,
  ctx: CliContext,
  yes: boolean | undefined,
  question: string,
): Promise<void> {
  const environment = workspace.environment;
  if (!environment?.protected || yes) return;
  if (!ctx.interactive) {
    throw new OgelError(
      'CONFIRMATION_REQUIRED',
      `${environment.name} is protected: ${question} Re-run with --yes to confirm. Nothing was changed.`,
      {
        environment: environment.name,
      },
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${environment.name} is protected. ${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new OgelError('CONFIRMATION_REQUIRED', 'Not confirmed. Nothing was changed.', {
        environment: environment.name,
      });
  } finally {
    rl.close();
  }
}

/** Under the lock, the plan must still be the one the human confirmed; another runner may have moved it. */
export function samePlanGate(confirmed: readonly string[]): BeforeApply {
  return async (migrations: Migration[]) => {
    const now = migrations.map((m) => m.version);
    if (now.join(',') !== confirmed.join(',')) {
      throw new OgelError(
        'CONFIRMATION_REQUIRED',
        `The plan changed after confirmation (confirmed ${confirmed.join(', ') || 'nothing'}, now ${now.join(', ')}). Nothing was changed; run again.`,
      );
    }
  };
}

/** Runs several gates in order; any throw aborts the run before anything changes. */
export function chainGates(...gates: Array<BeforeApply | undefined>): BeforeApply {
  return async (migrations, runId) => {
    for (const gate of gates) await gate?.(migrations, runId);
  };
}
