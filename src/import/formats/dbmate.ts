import { emptyLayout, ourName, problem, skip, underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';
import { splitSections } from './sections.js';

const NAME = /^(\d+)_(.*)\.sql$/;
// dbmate's markers (pkg/dbmate/migration.go): `-- migrate:up` / `-- migrate:down`, options after them.
const MARKER = /^--\s*migrate:(up|down)(.*)$/im;

/**
 * dbmate: `db/migrations/20151129054053_create_users.sql`, one file with `-- migrate:up` and `-- migrate:down`
 * sections. Each section becomes a file of its own, its bytes exactly the section's (the marker lines are
 * dropped: they are dbmate's syntax); `transaction:false` after a marker runs that section outside a
 * transaction. Its tracking table holds the version digits.
 */
export const dbmateFormat: PeerFormat = {
  detect: (files) => files.some((f) => f.path.endsWith('.sql') && MARKER.test(f.bytes.toString('latin1', 0, 4096))),
  read: (files) => {
    const layout = emptyLayout();
    for (const file of underFirst(files, ['db/migrations', 'migrations', ''])) {
      const match = NAME.exec(file.path);
      if (!match || file.path.includes('/')) {
        skip(layout, file.path, 'not a dbmate migration (<version>_<name>.sql)');
        continue;
      }
      const sections = splitSections(file.bytes, MARKER, false);
      const up = sections.filter((s) => s.direction === 'up');
      const down = sections.filter((s) => s.direction === 'down');
      if (up.length !== 1 || down.length > 1) {
        layout.problems.push(
          problem(
            file.path,
            'error',
            'sections',
            `needs one "-- migrate:up" and at most one "-- migrate:down" (found ${up.length} and ${down.length})`,
          ),
        );
        continue;
      }
      const noTransaction = (options: string, line: number): string | undefined => {
        for (const option of options.split(/\s+/).filter(Boolean)) {
          if (option === 'transaction:false') return 'dbmate transaction:false';
          if (option !== 'transaction:true')
            layout.problems.push(
              problem(
                `${file.path}:${line}`,
                'error',
                'unknown-option',
                `dbmate option "${option}" has no equivalent here`,
              ),
            );
        }
        return undefined;
      };
      const upReason = noTransaction(up[0]!.options, up[0]!.line);
      const downReason = down[0] ? noTransaction(down[0].options, down[0].line) : undefined;
      const hasDown = down[0] !== undefined && down[0].bytes.toString('utf8').trim() !== '';
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2]!),
        up: up[0]!.bytes,
        ...(hasDown ? { down: down[0]!.bytes } : {}),
        ...(upReason ? { noTransaction: upReason } : {}),
        ...(hasDown && downReason ? { downNoTransaction: downReason } : {}),
        peerId: match[1]!,
        sources: [file.path],
      });
    }
    return layout;
  },
};
