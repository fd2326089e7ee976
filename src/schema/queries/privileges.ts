import { relationIdentity, roleName } from './scope.js';

/**
 * Grants, recorded as the difference from PostgreSQL's built-in defaults (acldefault) so that a table nobody
 * granted anything on has no grant objects, and "never granted" equals "granted then revoked":
 * - `grant P on X to R` for each privilege held beyond the defaults (attribute: grantable);
 * - `revoke P on X from R` for each default privilege taken away (e.g. EXECUTE from PUBLIC on a function).
 * The grantor is not recorded: it follows the owner, and the same grant by two grantors counts once.
 */
const NON_RELATION_ACL_TARGETS = `
  UNION ALL
  SELECT 'schema ' || ns.qname, 'schema ' || ns.qname, NULL, 'n', ns.nspowner, ns.nspacl
  FROM ns
  UNION ALL
  SELECT CASE f.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END || f.signature, f.object_type || ' ' || f.signature,
    NULL, 'f', f.proowner, f.proacl
  FROM fn f
  UNION ALL
  SELECT CASE t.typtype WHEN 'd' THEN 'domain ' ELSE 'type ' END || t.qname, t.object_type || ' ' || t.qname,
    NULL, 'T', t.typowner, t.typacl
  FROM typ t`;

/** The privilege CTEs; `relationsOnly` leaves out schemas, routines and types. */
export function privilegeCtes(relationsOnly: boolean): string {
  return `
acl_target AS (
  SELECT CASE r.relkind WHEN 'S' THEN 'sequence ' ELSE '' END || r.qname AS target, ${relationIdentity('r')} AS parent,
    NULL::name AS col, CASE r.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char" AS kind, r.relowner AS owner, r.relacl AS acl
  FROM rel r WHERE r.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
  UNION ALL
  SELECT r.qname, ${relationIdentity('r')}, a.attname, 'c', r.relowner, a.attacl
  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE r.relkind IN ('r', 'p', 'f', 'v', 'm') AND a.attacl IS NOT NULL
${relationsOnly ? '' : NON_RELATION_ACL_TARGETS}
),
acl_actual AS (
  SELECT t.target, t.parent, t.col, a.grantee, a.privilege_type AS privilege, bool_or(a.is_grantable) AS grantable
  FROM acl_target t, aclexplode(coalesce(t.acl, acldefault(t.kind, t.owner))) a
  GROUP BY 1, 2, 3, 4, 5
),
acl_default AS (
  SELECT t.target, t.parent, t.col, a.grantee, a.privilege_type AS privilege, bool_or(a.is_grantable) AS grantable
  FROM acl_target t, aclexplode(acldefault(t.kind, t.owner)) a
  GROUP BY 1, 2, 3, 4, 5
)`;
}

const grants = `
SELECT 'grant', 'grant ' || x.privilege || coalesce(' (' || quote_ident(x.col) || ')', '') || ' on ' || x.target
  || ' to ' || ${roleName('x.grantee')}, x.parent, jsonb_build_object('grantable', x.grantable)
FROM acl_actual x
WHERE NOT EXISTS (SELECT 1 FROM acl_default d WHERE d.target = x.target AND d.col IS NOT DISTINCT FROM x.col
  AND d.grantee = x.grantee AND d.privilege = x.privilege AND d.grantable = x.grantable)`;

const revokes = `
SELECT 'revoke', 'revoke ' || d.privilege || ' on ' || d.target || ' from ' || ${roleName('d.grantee')}, d.parent, '{}'::jsonb
FROM acl_default d
WHERE NOT EXISTS (SELECT 1 FROM acl_actual x WHERE x.target = d.target AND x.col IS NOT DISTINCT FROM d.col
  AND x.grantee = d.grantee AND x.privilege = d.privilege)`;

// ALTER DEFAULT PRIVILEGES: one object per (role, schema, object kind) with its grant list.
const defaultPrivileges = `
SELECT 'default privileges', 'default privileges for role ' || quote_ident(pg_get_userbyid(d.defaclrole))
  || coalesce(' in schema ' || quote_ident(n.nspname), '') || ' on '
  || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
       WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END,
  NULL, jsonb_build_object('grants', (SELECT jsonb_agg(g ORDER BY g) FROM (
    SELECT DISTINCT a.privilege_type || ' to ' || ${roleName('a.grantee')}
      || CASE WHEN a.is_grantable THEN ' with grant option' ELSE '' END AS g
    FROM aclexplode(d.defaclacl) a) s))
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR d.defaclnamespace IN (SELECT oid FROM ns)`;

/** The privilege object queries; `relationsOnly` leaves out default privileges. */
export function privilegeQueries(relationsOnly: boolean): string[] {
  return relationsOnly ? [grants, revokes] : [grants, revokes, defaultPrivileges];
}
