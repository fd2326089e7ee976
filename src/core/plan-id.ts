import { createHash } from 'node:crypto';
import type { AppliedRow } from './migration.js';

/** What a plan changes, one entry per migration: enough to tell two plans apart, nothing that moves by itself. */
export interface PlanItem {
  version: string;
  /** The file that will run (up for migrate, down for rollback); null when nothing runs (baseline, repair). */
  checksum: string | null;
  /** What happens to it: `apply`, `revert`, `baseline`, `remove-failed`, `restore:<backup id>` … */
  action: string;
}

/**
 * The id of a plan: a digest of what would run and of the tracking table it was planned against. A human (or
 * a CI job) reviews a plan and confirms *that id*; under the migration lock the plan is made again and must
 * have the same id, so a file edited, a migration applied by someone else, or another environment's plan can
 * never be confirmed by mistake. Pure; stable across processes and versions of Node.
 */
export function planIdOf(input: {
  /** The environment (or database) the plan is for: the same plan on staging is not prod's. */
  scope: string;
  operation: string;
  items: readonly PlanItem[];
  rows: readonly AppliedRow[];
}): string {
  const hash = createHash('sha256');
  hash.update(`ogel-plan/1\n${input.scope}\n${input.operation}\n`);
  for (const item of input.items) hash.update(`item ${item.action} ${item.version} ${item.checksum ?? '-'}\n`);
  // Row order in the table is not meaningful; the digest of the state must not depend on it.
  const rows = input.rows.map((r) => `row ${r.version} ${r.checksum} ${r.status} ${r.kind}\n`).sort();
  for (const row of rows) hash.update(row);
  return `plan_${hash.digest('hex').slice(0, 20)}`;
}
