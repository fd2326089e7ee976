/**
 * The common table expressions every snapshot query builds on: which schemas, relations, routines and types are
 * "the user's schema". Parameters: `$1` schemas to leave out, `$2` tables to leave out (`schema.table`), `$3` when
 * not NULL: only these relations (`schema.name` or a bare name; an index brings its table), with everything
 * that belongs to them. Schemas, routines and types are always read whole.
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

export const SCOPE_CTES = `
ns AS (
  SELECT n.oid, n.nspname, n.nspowner, n.nspacl, quote_ident(n.nspname) AS qname
  FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_(toast|temp)'
    AND n.nspname <> ALL ($1::text[])
),
excluded_table AS (
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname || '.' || c.relname = ANY ($2::text[])
     OR quote_ident(n.nspname) || '.' || quote_ident(c.relname) = ANY ($2::text[])
),
-- An excluded table takes its indexes and owned (serial/identity) sequences with it.
excluded_rel AS (
  SELECT oid FROM excluded_table
  UNION SELECT i.indexrelid FROM pg_index i JOIN excluded_table e ON e.oid = i.indrelid
  UNION SELECT d.objid FROM pg_depend d JOIN excluded_table e ON e.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
),
named_rel AS (
  SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE $3::text[] IS NOT NULL AND (n.nspname || '.' || c.relname = ANY ($3::text[]) OR c.relname = ANY ($3::text[]))
),
-- A named relation brings its table (for an index) and everything the table owns: indexes, sequences.
scoped_table AS (
  SELECT oid FROM named_rel WHERE relkind NOT IN ('i', 'I')
  UNION SELECT i.indrelid FROM pg_index i JOIN named_rel n ON n.oid = i.indexrelid
),
scoped_rel AS (
  SELECT oid FROM scoped_table
  UNION SELECT i.indexrelid FROM pg_index i JOIN scoped_table s ON s.oid = i.indrelid
  UNION SELECT d.objid FROM pg_depend d JOIN scoped_table s ON s.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
),
rel AS (
  SELECT c.*, ns.qname || '.' || quote_ident(c.relname) AS qname
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
    AND c.oid NOT IN (SELECT oid FROM excluded_rel)
    AND ($3::text[] IS NULL OR c.oid IN (SELECT oid FROM scoped_rel))
    AND ${notExtensionMember('pg_class', 'c.oid')}
),
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
)`;
