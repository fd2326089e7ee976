import { createHash } from 'node:crypto';
import type { PlanItem } from './plan-id.js';

/**
 * The id of a fleet plan: a digest of the operation and its options, the files it may run (each with its
 * checksum) and the targets it covers — not of each target's state. A fleet's targets are at different
 * versions by design, and their states move while a rollout goes on: several workers share one, a run stopped
 * by a failure is resumed, another worker finishes a tenant first. A digest of per-target states would change
 * under every one of those and could never be confirmed across them. What a reviewer approves is "these files,
 * this operation, on these targets"; each target's own state is read under its lock when its turn comes, and
 * it can only run files from the reviewed set. An edited or added file, another `--to`, a tenant added to or
 * dropped from the fleet: each is another id (PLAN_CHANGED). Pure; stable across processes.
 */
export function fleetPlanIdOf(input: {
  fleet: string;
  operation: string;
  /** The operation's options that change what may run (`to`, `steps`, …); absent ones are left out. */
  options: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Every file the operation may run, in order. */
  items: readonly PlanItem[];
  /** The names of the targets it covers (order does not matter). */
  targets: readonly string[];
}): string {
  const hash = createHash('sha256');
  hash.update(`ogel-fleet-plan/1\n${input.fleet}\n${input.operation}\n`);
  for (const key of Object.keys(input.options).sort()) {
    const value = input.options[key];
    if (value !== undefined) hash.update(`option ${key} ${JSON.stringify(value)}\n`);
  }
  for (const item of input.items) hash.update(`item ${item.action} ${item.version} ${item.checksum ?? '-'}\n`);
  for (const target of [...input.targets].sort()) hash.update(`target ${JSON.stringify(target)}\n`);
  return `plan_${hash.digest('hex').slice(0, 20)}`;
}
