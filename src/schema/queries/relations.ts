import { relationIdentity, sortedArray } from './scope.js';

/**
 * Object queries for tables and what hangs off them. Each yields rows of
 * `(object_type, identity, parent, attrs jsonb)` and may use the CTEs of scope.ts.
 */

const owner = (expr: string) => `quote_ident(pg_get_userbyid(${expr}))`;
const comment = (oid: string, catalog: string) => `obj_description(${oid}, '${catalog}')`;

const tables = `
SELECT 'table' AS object_type, 'table ' || r.qname AS identity, NULL AS parent, jsonb_build_object(
  'kind', CASE r.relkind WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' ELSE 'regular' END,
  'unlogged', r.relpersistence = 'u',
  'rowSecurity', r.relrowsecurity,
  'forceRowSecurity', r.relforcerowsecurity,
  'replicaIdentity', CASE r.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full' ELSE 'index' END,
  'partitionKey', CASE WHEN r.relkind = 'p' THEN pg_get_partkeydef(r.oid) END,
  'partitionOf', (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = r.oid AND r.relispartition),
  'partitionBound', pg_get_expr(r.relpartbound, r.oid),
  'inherits', (SELECT jsonb_agg(i.inhparent::regclass::text ORDER BY i.inhseqno)
               FROM pg_inherits i WHERE i.inhrelid = r.oid AND NOT r.relispartition),
  'options', ${sortedArray('r.reloptions')},
  'owner', ${owner('r.relowner')},
  'comment', ${comment('r.oid', 'pg_class')}) AS attrs
FROM rel r WHERE r.relkind IN ('r', 'p', 'f')`;

// position: ordinal among live columns, so dropped columns (attnum gaps) do not matter but order still shows.
const columns = `
SELECT 'column', 'column ' || r.qname || '.' || quote_ident(a.attname), 'table ' || r.qname, jsonb_build_object(
  'type', format_type(a.atttypid, a.atttypmod),
  'notNull', a.attnotnull,
  'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
  'generated', CASE WHEN a.attgenerated <> '' THEN 'GENERATED ALWAYS AS (' || pg_get_expr(ad.adbin, ad.adrelid) || ')'
    || CASE a.attgenerated WHEN 's' THEN ' STORED' ELSE ' VIRTUAL' END END,
  'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
  'collation', CASE WHEN a.attcollation <> t.typcollation
    THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
  'position', row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
  'comment', col_description(a.attrelid, a.attnum))
FROM rel r
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE r.relkind IN ('r', 'p', 'f')`;

// NOT VALID is cut from the definition because `validated` records it: one fact, one attribute.
// Skipped: the per-partition copies PostgreSQL adds on the referencing table of a foreign key to a partitioned
// table (same conrelid as their parent); their names depend on creation order and they are implementation detail.
const constraints = `
SELECT 'constraint', 'constraint ' || r.qname || '.' || quote_ident(c.conname), 'table ' || r.qname, jsonb_build_object(
  'type', CASE c.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check'
    WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger' WHEN 'n' THEN 'not null' ELSE c.contype::text END,
  'definition', regexp_replace(pg_get_constraintdef(c.oid), ' NOT VALID$', ''),
  'validated', c.convalidated,
  'comment', ${comment('c.oid', 'pg_constraint')})
FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint pc WHERE pc.oid = c.conparentid AND pc.conrelid = c.conrelid)`;

const indexes = `
SELECT 'index', 'index ' || r.qname, ${relationIdentity('t')}, jsonb_build_object(
  'table', t.qname,
  'definition', pg_get_indexdef(i.indexrelid),
  'valid', i.indisvalid,
  'replicaIdentity', i.indisreplident,
  'comment', ${comment('r.oid', 'pg_class')})
FROM pg_index i JOIN rel r ON r.oid = i.indexrelid JOIN rel t ON t.oid = i.indrelid`;

const views = `
SELECT CASE r.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, ${relationIdentity('r')}, NULL, jsonb_build_object(
  'definition', pg_get_viewdef(r.oid),
  'options', ${sortedArray('r.reloptions')},
  'owner', ${owner('r.relowner')},
  'comment', ${comment('r.oid', 'pg_class')})
FROM rel r WHERE r.relkind IN ('v', 'm')`;

// Bounds are bigint: kept as text so JSON and JavaScript numbers lose nothing.
const sequences = `
SELECT 'sequence', 'sequence ' || r.qname, CASE WHEN d.refobjid IS NOT NULL THEN 'table ' || t.qname END, jsonb_build_object(
  'type', format_type(s.seqtypid, NULL),
  'start', s.seqstart::text,
  'increment', s.seqincrement::text,
  'min', s.seqmin::text,
  'max', s.seqmax::text,
  'cache', s.seqcache::text,
  'cycle', s.seqcycle,
  'ownedBy', t.qname || '.' || quote_ident(a.attname),
  'identity', coalesce(d.deptype = 'i', false),
  'owner', ${owner('r.relowner')},
  'comment', ${comment('r.oid', 'pg_class')})
FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
  AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
LEFT JOIN rel t ON t.oid = d.refobjid
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid`;

// Internal triggers (foreign keys, deferred uniques) are part of their constraint, not user triggers.
const triggers = `
SELECT 'trigger', 'trigger ' || r.qname || '.' || quote_ident(g.tgname), ${relationIdentity('r')}, jsonb_build_object(
  'definition', pg_get_triggerdef(g.oid),
  'enabled', CASE g.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END,
  'comment', ${comment('g.oid', 'pg_trigger')})
FROM pg_trigger g JOIN rel r ON r.oid = g.tgrelid
WHERE NOT g.tgisinternal`;

const rules = `
SELECT 'rule', 'rule ' || r.qname || '.' || quote_ident(w.rulename), ${relationIdentity('r')}, jsonb_build_object(
  'definition', pg_get_ruledef(w.oid),
  'enabled', CASE w.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END,
  'comment', ${comment('w.oid', 'pg_rewrite')})
FROM pg_rewrite w JOIN rel r ON r.oid = w.ev_class
WHERE w.rulename <> '_RETURN'`;

const policies = `
SELECT 'policy', 'policy ' || r.qname || '.' || quote_ident(p.polname), 'table ' || r.qname, jsonb_build_object(
  'command', CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
  'permissive', p.polpermissive,
  'roles', (SELECT jsonb_agg(x.name ORDER BY x.name) FROM (
      SELECT CASE WHEN o = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(o)) END AS name FROM unnest(p.polroles) o) x),
  'using', pg_get_expr(p.polqual, p.polrelid),
  'withCheck', pg_get_expr(p.polwithcheck, p.polrelid),
  'comment', ${comment('p.oid', 'pg_policy')})
FROM pg_policy p JOIN rel r ON r.oid = p.polrelid`;

export const RELATION_QUERIES = [tables, columns, constraints, indexes, views, sequences, triggers, rules, policies];
