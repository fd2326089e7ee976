import { OBJECT_QUERIES } from './objects.js';
import { PRIVILEGE_CTES, PRIVILEGE_QUERIES } from './privileges.js';
import { RELATION_QUERIES } from './relations.js';
import { SCOPE_CTES } from './scope.js';

/** One row of the snapshot query: an object, its identity, the identity of what it belongs to, its attributes. */
export interface SnapshotRow {
  object_type: string;
  identity: string;
  parent: string | null;
  attrs: Record<string, unknown>;
}

/**
 * The whole catalog read as one statement: one round trip, one consistent view of the catalogs, and a cost that
 * grows with the number of objects only inside the server (every part is set-based, none runs per object).
 * Parameters: `$1` excluded schema names (text[]), `$2` excluded tables as `schema.table` (text[]).
 */
export const SNAPSHOT_SQL = `WITH ${SCOPE_CTES},${PRIVILEGE_CTES}
SELECT * FROM (
${[...OBJECT_QUERIES, ...RELATION_QUERIES, ...PRIVILEGE_QUERIES].map((sql) => `(${sql.trim()})`).join('\nUNION ALL\n')}
) AS objects (object_type, identity, parent, attrs)`;
