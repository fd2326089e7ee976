import type { LoadedConfig } from '../config/load.js';
import type { ResolvedEnvironment } from '../config/resolve.js';
import type { MigrationRunner, MigrationRunnerOptions } from '../runner/runner.js';

/**
 * What backups and comparisons read of a target (src/app/target.ts): the config it came from, its
 * environment and its runner. Kept as its own small shape so those modules need not depend on the app layer.
 */
export interface Workspace {
  loaded: LoadedConfig;
  environment: ResolvedEnvironment | null;
  runnerOptions: MigrationRunnerOptions;
  runner: MigrationRunner;
}
