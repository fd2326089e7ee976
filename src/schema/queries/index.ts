import { OBJECT_QUERIES } from './objects.js';
import { privilegeCtes, privilegeQueries } from './privileges.js';
import { RELATION_QUERIES } from './relations.js';
import { scopeCtes, WHOLE_SHAPE, type SnapshotShape } from './scope.js';

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
 * Parameters: see scope.ts (`$1` excluded schemas, `$2` excluded tables, `$3` only these relations or NULL).
 */
export const SNAPSHOT_SQL = snapshotSql(WHOLE_SHAPE);

/** SNAPSHOT_SQL, or a variant planned for a few relations (see SnapshotShape). Same parameters and columns. */
export function snapshotSql(shape: SnapshotShape): string {
  const queries = [
    ...(shape.relationsOnly ? [] : OBJECT_QUERIES),
    ...RELATION_QUERIES,
    ...privilegeQueries(shape.relationsOnly),
  ];
  return `WITH RECURSIVE ${scopeCtes(shape)},${privilegeCtes(shape.relationsOnly)}
SELECT * FROM (
${queries.map((sql) => `(${sql.trim()})`).join('\nUNION ALL\n')}
) AS objects (object_type, identity, parent, attrs)`;
}
