import { notExtensionMember, sortedArray } from './scope.js';

/** Object queries for schemas, routines, types, extensions and event triggers (same row shape as relations.ts). */

const owner = (expr: string) => `quote_ident(pg_get_userbyid(${expr}))`;

const schemas = `
SELECT 'schema', 'schema ' || ns.qname, NULL, jsonb_build_object(
  'owner', ${owner('ns.nspowner')},
  'comment', obj_description(ns.oid, 'pg_namespace'))
FROM ns WHERE ${notExtensionMember('pg_namespace', 'ns.oid')}`;

// body: prosrc, or the parsed body of a SQL-standard (BEGIN ATOMIC) routine, whose prosrc is empty.
// The definition is split into attributes, so a diff says "body" or "volatility" rather than "definition".
const routines = `
SELECT f.object_type, f.object_type || ' ' || f.signature, NULL, jsonb_build_object(
  'kind', CASE f.prokind WHEN 'w' THEN 'window' ELSE f.object_type END,
  'arguments', pg_get_function_arguments(f.oid),
  'returns', pg_get_function_result(f.oid),
  'language', l.lanname,
  'volatility', CASE f.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
  'strict', f.proisstrict,
  'securityDefiner', f.prosecdef,
  'leakproof', f.proleakproof,
  'parallel', CASE f.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END,
  'cost', f.procost::text,
  'rows', f.prorows::text,
  'config', ${sortedArray('f.proconfig')},
  'body', CASE WHEN f.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(f.oid) ELSE f.prosrc END,
  'aggregate', CASE WHEN g.aggfnoid IS NOT NULL THEN jsonb_build_object(
    'transition', g.aggtransfn::oid::regprocedure::text,
    'final', NULLIF(g.aggfinalfn::oid, 0)::regprocedure::text,
    'combine', NULLIF(g.aggcombinefn::oid, 0)::regprocedure::text,
    'stateType', format_type(g.aggtranstype, NULL),
    'initial', g.agginitval) END,
  'owner', ${owner('f.proowner')},
  'comment', obj_description(f.oid, 'pg_proc'))
FROM fn f JOIN pg_language l ON l.oid = f.prolang
LEFT JOIN pg_aggregate g ON g.aggfnoid = f.oid`;

const types = `
SELECT t.object_type, t.object_type || ' ' || t.qname, NULL, jsonb_build_object(
  'owner', ${owner('t.typowner')},
  'comment', obj_description(t.oid, 'pg_type')) || CASE t.typtype
  WHEN 'e' THEN jsonb_build_object(
    'labels', (SELECT jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
  WHEN 'd' THEN jsonb_build_object(
    'baseType', format_type(t.typbasetype, t.typtypmod),
    'notNull', t.typnotnull,
    'default', pg_get_expr(t.typdefaultbin, 0),
    'collation', (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace JOIN pg_type b ON b.oid = t.typbasetype
                  WHERE co.oid = t.typcollation AND t.typcollation <> b.typcollation),
    'constraints', (SELECT jsonb_object_agg(c.conname, jsonb_build_object(
        'definition', regexp_replace(pg_get_constraintdef(c.oid), ' NOT VALID$', ''), 'validated', c.convalidated))
      FROM pg_constraint c WHERE c.contypid = t.oid))
  WHEN 'r' THEN (SELECT jsonb_build_object(
    'subtype', format_type(rg.rngsubtype, NULL),
    'collation', (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = rg.rngcollation),
    'canonical', NULLIF(rg.rngcanonical::oid, 0)::regprocedure::text,
    'subtypeDiff', NULLIF(rg.rngsubdiff::oid, 0)::regprocedure::text)
    FROM pg_range rg WHERE rg.rngtypid = t.oid)
  ELSE jsonb_build_object(
    'attributes', (SELECT jsonb_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
  END
FROM typ t`;

const extensions = `
SELECT 'extension', 'extension ' || quote_ident(e.extname), NULL, jsonb_build_object(
  'schema', e.extnamespace::regnamespace::text,
  'version', e.extversion)
FROM pg_extension e`;

const eventTriggers = `
SELECT 'event trigger', 'event trigger ' || quote_ident(e.evtname), NULL, jsonb_build_object(
  'event', e.evtevent,
  'function', e.evtfoid::regprocedure::text,
  'tags', ${sortedArray('e.evttags')},
  'enabled', CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' END,
  'owner', ${owner('e.evtowner')})
FROM pg_event_trigger e WHERE ${notExtensionMember('pg_event_trigger', 'e.oid')}`;

export const OBJECT_QUERIES = [schemas, routines, types, extensions, eventTriggers];
