import { emptyLayout, hashOf, ourName, problem, skip, text, underFirst } from '../names.js';
import type { PeerFormat } from '../types.js';

// graphile-migrate's VALID_FILE_REGEX (current.ts): `000001.sql` or `000001-message-slug.sql`.
const NAME = /^([0-9]+)(?:-([-_a-zA-Z0-9]*))?\.sql$/;
const HEADER = /^--! ([A-Z][a-zA-Z0-9_]*)(?::(.*))?$/;
const BUILT_IN_PLACEHOLDER = /:(DATABASE_NAME|DATABASE_OWNER)\b/;

/**
 * graphile-migrate: `migrations/committed/000001[-slug].sql`, each starting with `--! Previous:`, `--! Hash:` and
 * `--! Message:` headers (SQL comments, so the whole file is imported as it is), a blank line, then the body,
 * whose first line may be `--! no-transaction`. `current.sql` is work in progress, not a migration yet. Its
 * tracking table `graphile_migrate.migrations` records each file's hash and `<number>.sql`.
 */
export const graphileMigrateFormat: PeerFormat = {
  detect: (files) =>
    files.some((f) => /(^|\/)committed\/[0-9]+(-[-_a-zA-Z0-9]*)?\.sql$/.test(f.path) && f.bytes.includes('--! Hash:')),
  read: (files) => {
    const layout = emptyLayout();
    const current = files.find((f) => /(^|\/)current\.sql$/.test(f.path) || /(^|\/)current\/[^/]+\.sql$/.test(f.path));
    if (
      current &&
      text(current)
        .replace(/--[^\n]*/g, '')
        .trim() !== ''
    )
      layout.problems.push(
        problem(
          current.path,
          'warning',
          'uncommitted',
          'graphile-migrate work in progress, not imported',
          'graphile-migrate commit, then import again',
        ),
      );
    for (const file of underFirst(files, ['migrations/committed', 'committed', ''])) {
      const match = NAME.exec(file.path);
      if (!match || file.path.includes('/')) {
        if (!file.path.startsWith('current')) skip(layout, file.path, 'not a committed graphile-migrate migration');
        continue;
      }
      const lines = text(file).split('\n');
      const headers: Record<string, string | null> = {};
      let count = 0;
      for (const line of lines) {
        const header = HEADER.exec(line);
        if (!header) break;
        headers[header[1]!] = header[2]?.trim() ?? null;
        count++;
      }
      const body = `${lines.slice(count).join('\n').trim()}\n`;
      const previous = headers.Previous && headers.Previous !== '-' ? headers.Previous : '';
      // graphile-migrate's calculateHash: sha1 over the previous hash, a newline and the trimmed body.
      const expected = `sha1:${hashOf('sha1', `${`${previous}\n${body.trim()}`.trim()}\n`)}`;
      if (headers.Hash && headers.Hash !== expected && !('AllowInvalidHash' in headers))
        layout.problems.push(
          problem(
            file.path,
            'warning',
            'edited-after-commit',
            `its body no longer matches its --! Hash (${headers.Hash})`,
          ),
        );
      if (BUILT_IN_PLACEHOLDER.test(body))
        layout.problems.push(
          problem(
            file.path,
            'error',
            'placeholder',
            'uses a graphile-migrate placeholder (:DATABASE_NAME / :DATABASE_OWNER): ogel-migrate runs files as written',
            'write the value into the file in the graphile-migrate project, then import again',
          ),
        );
      const noTransaction = /^--!\s*no-transaction\b/.test(body) ? 'graphile-migrate --! no-transaction' : undefined;
      layout.migrations.push({
        version: match[1]!,
        name: ourName(match[2] ?? headers.Message ?? 'migration'),
        up: file.bytes,
        ...(noTransaction ? { noTransaction } : {}),
        peerId: `${match[1]}.sql`,
        ...(headers.Hash ? { peerChecksum: headers.Hash } : {}),
        sources: [file.path],
      });
    }
    return layout;
  },
};
