import type { ParsedStatement } from '../sql/parser.js';
import type { PreparedScript } from '../sql/prepare-script.js';
import { locksFor } from '../sql/locks.js';
import { statementEffects } from '../sql/objects.js';
import { callsFunctions } from '../sql/session-effects.js';
import { namedRelationsSql } from '../schema/queries/scope.js';

/** DDL whose effects on relations the parser can name; anything else makes verify read the whole catalog. */
const RELATION_DDL = new Set([
  'CreateStmt',
  'AlterTableStmt',
  'IndexStmt',
  'DropStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'CreateTrigStmt',
  'RenameStmt',
  'GrantStmt',
  'ViewStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'CommentStmt',
]);
/** Statements that only touch what is not a relation (schemas, routines, types): those are then read whole. */
const NON_RELATION_DDL = new Set([
  'CreateFunctionStmt',
  'CreateSchemaStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'CreateExtensionStmt',
]);
/** Statements that change no schema at all. */
const NO_SCHEMA = new Set(['TransactionStmt', 'VariableSetStmt']);
const RELATION_KINDS = new Set([
  'OBJECT_TABLE',
  'OBJECT_INDEX',
  'OBJECT_VIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_MATVIEW',
  'OBJECT_FOREIGN_TABLE',
]);
/** Objects that live on a table: their name is the table's name plus one part. */
const RELATION_MEMBER_KINDS = new Set([
  'OBJECT_COLUMN',
  'OBJECT_TABCONSTRAINT',
  'OBJECT_POLICY',
  'OBJECT_TRIGGER',
  'OBJECT_RULE',
]);
const DROPPABLE_RELATION_KINDS = new Set([...RELATION_KINDS, 'OBJECT_POLICY', 'OBJECT_TRIGGER']);

type Node = Record<string, unknown>;

/**
 * What a migration's up and down can change, per the parser: the relations they name, and whether they also
 * touch schemas, routines or types. Null when a statement may change relations it does not name (DO, CALL,
 * CASCADE drops, functions called from DML, GRANT … ON ALL TABLES, renaming a schema, …): then verify snapshots
 * the whole catalog. Scoped snapshots make verify cheap; a whole-catalog fingerprint guards the rest.
 */
export interface VerificationScope {
  relations: string[];
  nonRelations: boolean;
}

export function verificationScope(scripts: readonly PreparedScript[]): VerificationScope | null {
  const names = new Set<string>();
  let nonRelations = false;
  for (const statement of scripts.flatMap((s) => s.statements)) {
    const node = statement.node;
    if (NO_SCHEMA.has(statement.kind)) continue;
    if (NON_RELATION_DDL.has(statement.kind)) {
      nonRelations = true;
      continue;
    }
    if (['InsertStmt', 'UpdateStmt', 'DeleteStmt'].includes(statement.kind) && !callsFunctions(node)) continue;
    if (!RELATION_DDL.has(statement.kind)) return null;
    switch (statement.kind) {
      case 'DropStmt':
        if (node.behavior === 'DROP_CASCADE' || !DROPPABLE_RELATION_KINDS.has(String(node.removeType))) return null;
        break;
      case 'AlterTableStmt':
        if (JSON.stringify(node).includes('DROP_CASCADE')) return null;
        // ALTER TYPE … ADD ATTRIBUTE is an AlterTableStmt on a composite type.
        if (node.objtype === 'OBJECT_TYPE') nonRelations = true;
        break;
      case 'RenameStmt':
        if (!RELATION_KINDS.has(String(node.renameType)) && !RELATION_MEMBER_KINDS.has(String(node.renameType)))
          return null;
        break;
      case 'GrantStmt':
        if (node.targtype !== 'ACL_TARGET_OBJECT') return null;
        if (node.objtype !== 'OBJECT_TABLE' && node.objtype !== 'OBJECT_SEQUENCE') nonRelations = true;
        break;
      case 'CommentStmt': {
        const commented = commentedRelation(node);
        if (commented === null) nonRelations = true;
        else names.add(commented);
        break;
      }
    }
    for (const name of relationNames(statement)) names.add(name);
  }
  return { relations: [...names], nonRelations };
}

/** The relation a COMMENT ON is about (`schema.table` or `table`), or null when it is not about a relation. */
function commentedRelation(node: Node): string | null {
  const kind = String(node.objtype);
  const items = ((node.object as Node | undefined)?.List as Node | undefined)?.items as Node[] | undefined;
  if (!items) return null;
  const parts = items.map((item) => String((item.String as Node | undefined)?.sval ?? ''));
  if (RELATION_KINDS.has(kind)) return parts.join('.');
  if (RELATION_MEMBER_KINDS.has(kind)) return parts.slice(0, -1).join('.');
  return null;
}

function relationNames(statement: ParsedStatement): string[] {
  const names = locksFor(statement).map((lock) => lock.relation);
  const effects = statementEffects(statement);
  for (const object of [...effects.creates, ...effects.drops]) {
    const name = object.key.slice(object.type.length + 1).split('.');
    // table/view/index/sequence: schema.name; column/policy/trigger: schema.table.name; rls: schema.table.
    names.push(name.slice(0, 2).join('.'));
  }
  const node = statement.node;
  if (statement.kind === 'RenameStmt' && node.newname && RELATION_KINDS.has(String(node.renameType))) {
    const relation = (node.relation ?? {}) as Node;
    names.push(relation.schemaname ? `${relation.schemaname}.${node.newname}` : String(node.newname));
  }
  if (statement.kind === 'GrantStmt') {
    for (const object of (node.objects as Node[]) ?? []) {
      const r = (object.RangeVar ?? {}) as Node;
      if (r.relname) names.push(r.schemaname ? `${r.schemaname}.${r.relname}` : String(r.relname));
    }
  }
  return names;
}

const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'`;

/** The identity of the extra snapshot row that carries the fingerprint. */
export const FINGERPRINT_IDENTITY = 'catalog fingerprint';

/** Counts of catalog objects of every kind (jsonb): cheap, and they move when anything outside a scope does. */
const FINGERPRINT_JSON = `(SELECT jsonb_build_object(
  'relations', u.relations,
  'row security', u.row_security,
  'constraints', (SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE ${USER_NAMESPACE}),
  'triggers', (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
  'policies', (SELECT count(*) FROM pg_policy),
  'rules', (SELECT count(*) FROM pg_rewrite))
FROM (
  SELECT count(*) AS relations, count(*) FILTER (WHERE c.relrowsecurity) AS row_security
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}
) AS u)`;

/** One more row for a scoped snapshot query (same columns; `$3`, the scope, is not NULL): the fingerprint. */
export const FINGERPRINT_ROW_SQL = `SELECT '${FINGERPRINT_IDENTITY}', '${FINGERPRINT_IDENTITY}', NULL, ${FINGERPRINT_JSON}
WHERE $3::text[] IS NOT NULL`;

/**
 * Whether none of the relations `$1` names exists, and the fingerprint. When none exists a scoped snapshot is
 * empty by construction (everything in it hangs off a named relation), so this replaces it, far cheaper.
 */
export const ABSENCE_SQL = `SELECT NOT EXISTS (${namedRelationsSql('$1::text[]')}) AS absent, ${FINGERPRINT_JSON} AS fingerprint`;

/** What changed between two fingerprints, worded for a report; empty when equal. */
export function fingerprintChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(before)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key} outside the relations this migration names: ${before[key]} → ${after[key]}`);
}
