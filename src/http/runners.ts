import { OgelError } from '../errors.js';
import type { MigrationRunner } from '../runner/runner.js';
import type { ServerState } from './state.js';

/** The runner of `?env=` (or the default one); an unknown name is a 404 listing the known ones. */
export function runnerFor(state: ServerState, env: string | undefined): { env: string; runner: MigrationRunner } {
  const name = env ?? state.defaultEnvironment;
  const runner = state.runners.get(name);
  if (!runner)
    throw new OgelError('NOT_FOUND', `Unknown environment "${name}" (known: ${[...state.runners.keys()].join(', ')})`);
  return { env: name, runner };
}
