/**
 * The common table expressions every snapshot query builds on: which schemas, relations, routines and types are
 * "the user's schema". Parameters: `$1` schemas to leave out, `$2` tables to leave out (`schema.table`), `$3`
 * the relations a scoped shape reads (`schema.name` or a bare name; an index brings its table), with everything
 * that belongs to them — the whole shape reads every relation and ignores `$3`.
 *
 * Everything is filtered here once, so the object queries cannot disagree about scope, and objects that belong
 * to an extension (pg_depend deptype 'e') never show up on their own: the extension stands for them.
 */

/** `NOT EXISTS` test for "this catalog row is not an extension member". */
export function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend ed WHERE ed.classid = '${catalog}'::regclass AND ed.objid = ${oid} AND ed.deptype = 'e')`;
}

/** Role name as written in GRANT: `PUBLIC` for the pseudo-role 0. */
export function roleName(oid: string): string {
  return `CASE WHEN ${oid} = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(${oid})) END`;
}

/** Identity of a relation from the `rel` CTE (alias given), by its kind. */
export function relationIdentity(alias: string): string {
  return `CASE ${alias}.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'S' THEN 'sequence '
    WHEN 'i' THEN 'index ' WHEN 'I' THEN 'index ' ELSE 'table ' END || ${alias}.qname`;
}

/** Sorted JSON array of a text[] (null when empty), for option lists whose order carries no meaning. */
export function sortedArray(expr: string): string {
  return `(SELECT jsonb_agg(o ORDER BY o) FROM unnest(${expr}) o)`;
}

/**
 * Every relname a list of `schema.name` / bare names can mean (the whole text, each suffix after a dot, each
 * with double quotes undone), so lookups go through pg_class's (relname, relnamespace) index; the exact match is
 * checked afterwards. An uncorrelated ARRAY(...) is evaluated once, also in a generic plan.
 */
function relnameCandidates(param: string): string {
  return `ARRAY(SELECT DISTINCT v.relname::name FROM unnest(${param}) AS w(name),
    generate_series(0, length(w.name)) AS p,
    LATERAL (VALUES (substr(w.name, p + 1)), (replace(btrim(substr(w.name, p + 1), '"'), '""', '"'))) AS v(relname)
    WHERE p = 0 OR substr(w.name, p, 1) = '.')`;
}

/**
 * Which variant of the snapshot query: `scopedOnly` reads only `$3`'s relations, from their oids by index (a
 * scan of pg_class otherwise); `relationsOnly` (with `scopedOnly`) also leaves out what is not a relation:
 * schemas, routines, types, extensions, event triggers, default privileges.
 */
export interface SnapshotShape {
  scopedOnly: boolean;
  relationsOnly: boolean;
}

/** The relations (oid, relkind) that names like `schema.name` or a bare `name` (the text[] `param`) refer to. */
export function namedRelationsSql(param: string): string {
  return `SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname = ANY (${relnameCandidates(param)})
    AND (n.nspname || '.' || c.relname = ANY (${param}) OR c.relname = ANY (${param}))`;
}

export const WHOLE_SHAPE: SnapshotShape = { scopedOnly: false, relationsOnly: false };

/** The CTEs of a snapshot query of this shape. */
export function scopeCtes({ scopedOnly, relationsOnly }: SnapshotShape): string {
  return `
ns AS (
  SELECT n.oid, n.nspname, n.nspowner, n.nspacl, quote_ident(n.nspname) AS qname
  FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_(toast|temp)'
    AND n.nspname <> ALL ($1::text[])
),
excluded_table AS (
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname = ANY (${relnameCandidates('$2::text[]')})
    AND (n.nspname || '.' || c.relname = ANY ($2::text[])
     OR quote_ident(n.nspname) || '.' || quote_ident(c.relname) = ANY ($2::text[]))
),
-- An excluded table takes its indexes and owned (serial/identity) sequences with it.
excluded_rel AS (
  SELECT oid FROM excluded_table
  UNION SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = ANY (ARRAY(SELECT oid FROM excluded_table))
  UNION SELECT d.objid FROM pg_depend d
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY (ARRAY(SELECT oid FROM excluded_table))
      AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
),
named_rel AS (
  ${namedRelationsSql('$3::text[]')}
),
-- A named relation brings its table (for an index), and a table brings what its changes show up in: its
-- inheritance children and partitions, views over it, foreign keys that reference it (transitively).
named_table AS (
  SELECT oid FROM named_rel WHERE relkind NOT IN ('i', 'I')
  UNION SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = ANY (ARRAY(SELECT oid FROM named_rel))
),
scoped_table AS (
  SELECT oid FROM named_table
  UNION
  SELECT dependent.oid FROM scoped_table s CROSS JOIN LATERAL (
    SELECT h.inhrelid AS oid FROM pg_inherits h WHERE h.inhparent = s.oid
    UNION ALL
    SELECT coalesce(w.ev_class, co.conrelid) FROM pg_depend d
      LEFT JOIN pg_rewrite w ON d.classid = 'pg_rewrite'::regclass AND w.oid = d.objid
      LEFT JOIN pg_constraint co ON d.classid = 'pg_constraint'::regclass AND co.oid = d.objid AND co.contype = 'f'
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid AND d.deptype = 'n'
      AND coalesce(w.ev_class, co.conrelid) IS NOT NULL
  ) AS dependent
),
scoped_rel AS (
  SELECT oid FROM scoped_table
  UNION SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = ANY (ARRAY(SELECT oid FROM scoped_table))
  UNION SELECT d.objid FROM pg_depend d
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY (ARRAY(SELECT oid FROM scoped_table))
      AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
),
rel AS (
  SELECT c.*, ns.qname || '.' || quote_ident(c.relname) AS qname
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE ${scopedOnly ? 'c.oid = ANY (ARRAY(SELECT oid FROM scoped_rel)) AND' : ''} c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
    AND c.oid NOT IN (SELECT oid FROM excluded_rel)
    AND ${notExtensionMember('pg_class', 'c.oid')}
)${
    relationsOnly
      ? ''
      : `,
fn AS (
  -- regprocedure prints the argument types only (no names, no OUT args), exactly what identifies a routine.
  SELECT p.*, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END AS object_type,
    p.oid::regprocedure::text AS signature
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  WHERE ${notExtensionMember('pg_proc', 'p.oid')}
),
typ AS (
  -- Only types a user creates as such: not array types, table row types or range multiranges.
  SELECT t.*, CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' ELSE 'composite type' END
    AS object_type, ns.qname || '.' || quote_ident(t.typname) AS qname
  FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
  LEFT JOIN pg_class tc ON tc.oid = t.typrelid
  WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
    AND ${notExtensionMember('pg_type', 't.oid')}
)`
  }`;
}
