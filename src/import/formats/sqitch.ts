import { emptyLayout, hashOf, ourName, problem, skip, text } from '../names.js';
import type { ImportLayout, PeerFile, PeerFormat } from '../types.js';

/**
 * Sqitch: `sqitch.plan` lists changes in deploy order; each has `deploy/<change>.sql`, `revert/<change>.sql`
 * and `verify/<change>.sql`. Changes have no numbers, so they are numbered in plan order (001, 002, …); verify
 * scripts are kept as checks under `_checks/` (migrate never runs them). Reworked changes (`name@tag` scripts)
 * have two versions of one script: they need a human.
 */
export const sqitchFormat: PeerFormat = {
  detect: (files) => files.some((f) => f.path === 'sqitch.plan'),
  read: (files) => {
    const layout = emptyLayout();
    const plan = files.find((f) => f.path === 'sqitch.plan');
    const byPath = new Map(files.map((f) => [f.path, f]));
    if (!plan) {
      layout.problems.push(problem('sqitch.plan', 'error', 'no-plan', 'no sqitch.plan in the source directory'));
      return layout;
    }
    const project = /^%project=(\S+)/m.exec(text(plan))?.[1];
    if (project) layout.project = project;
    const changes = planChanges(plan, layout);
    const width = Math.max(3, String(changes.length).length);
    const used = new Set(['sqitch.plan']);
    changes.forEach((change, index) => {
      const version = String(index + 1).padStart(width, '0');
      const name = ourName(change);
      const deploy = byPath.get(`deploy/${change}.sql`);
      const revert = byPath.get(`revert/${change}.sql`);
      const verify = byPath.get(`verify/${change}.sql`);
      if (!deploy) {
        layout.problems.push(
          problem(`deploy/${change}.sql`, 'error', 'no-deploy', `change ${change} has no deploy script`),
        );
        return;
      }
      for (const f of [deploy, revert, verify]) if (f) used.add(f.path);
      layout.migrations.push({
        version,
        name,
        up: deploy.bytes,
        ...(revert ? { down: revert.bytes } : {}),
        peerId: change,
        // Sqitch's script_hash: the SHA-1 of the deploy script's bytes.
        peerChecksum: hashOf('sha1', deploy.bytes),
        sources: [deploy.path, ...(revert ? [revert.path] : [])],
      });
      if (verify)
        layout.checks.push({
          target: `_checks/${version}_${name}.verify.sql`,
          bytes: verify.bytes,
          sources: [verify.path],
        });
    });
    for (const file of files)
      if (!used.has(file.path))
        skip(
          layout,
          file.path,
          file.path === 'sqitch.conf' ? 'Sqitch configuration' : 'not a script of a planned change',
        );
    return layout;
  },
};

/** Change names in plan order; tags, pragmas, comments and blank lines carry no migration. */
function planChanges(plan: PeerFile, layout: ImportLayout): string[] {
  const changes: string[] = [];
  const seen = new Set<string>();
  text(plan)
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('%') || line.startsWith('@')) return;
      const name = /^[^\s[]+/.exec(line)?.[0];
      if (!name) return;
      if (seen.has(name)) {
        layout.problems.push(
          problem(
            `sqitch.plan:${i + 1}`,
            'error',
            'reworked-change',
            `change ${name} is reworked (planned twice): its earlier script is deploy/${name}@<tag>.sql`,
            'import the history before the rework, or write the reworked change as a new migration by hand',
          ),
        );
        return;
      }
      seen.add(name);
      changes.push(name);
    });
  return changes;
}
