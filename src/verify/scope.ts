import type pg from 'pg';
import type { ParsedStatement } from '../sql/parser.js';
import type { PreparedScript } from '../sql/prepare-script.js';
import { locksFor } from '../sql/locks.js';
import { statementEffects } from '../sql/objects.js';
import { callsFunctions } from '../sql/session-effects.js';

/** DDL whose effects on relations the parser can name; anything else makes verify read the whole catalog. */
const RELATION_DDL = new Set([
  'CreateStmt', 'AlterTableStmt', 'IndexStmt', 'DropStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'CreateTrigStmt',
  'RenameStmt', 'GrantStmt', 'ViewStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'CommentStmt',
]);
/** Statements that only touch objects every snapshot reads whole (schemas, routines, types) or no schema at all. */
const GLOBAL_ONLY = new Set([
  'CreateFunctionStmt', 'CreateSchemaStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'CompositeTypeStmt',
  'CreateDomainStmt', 'CreateExtensionStmt', 'TransactionStmt', 'VariableSetStmt',
]);

type Node = Record<string, unknown>;

/**
 * The relations a migration's up and down can change, per the parser — or null when a statement may change
 * relations it does not name (DO, CALL, CASCADE drops, functions called from DML, …): then verify snapshots
 * the whole catalog. Scoped snapshots make verify cheap; a whole-catalog fingerprint guards the rest.
 */
export function verificationScope(scripts: readonly PreparedScript[]): string[] | null {
  const names = new Set<string>();
  for (const statement of scripts.flatMap((s) => s.statements)) {
    if (GLOBAL_ONLY.has(statement.kind)) continue;
    if (['InsertStmt', 'UpdateStmt', 'DeleteStmt'].includes(statement.kind) && !callsFunctions(statement.node)) continue;
    if (!RELATION_DDL.has(statement.kind)) return null;
    if (statement.kind === 'DropStmt' && (statement.node.behavior === 'DROP_CASCADE' || !['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_VIEW', 'OBJECT_SEQUENCE', 'OBJECT_POLICY', 'OBJECT_TRIGGER', 'OBJECT_MATVIEW'].includes(String(statement.node.removeType)))) return null;
    if (statement.kind === 'AlterTableStmt' && JSON.stringify(statement.node).includes('DROP_CASCADE')) return null;
    for (const name of relationNames(statement)) names.add(name);
  }
  return [...names];
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
  if (statement.kind === 'RenameStmt' && node.newname) {
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
const FINGERPRINT_SQL = `SELECT json_build_object(
  'relations', (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}),
  'columns', (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE a.attnum > 0 AND NOT a.attisdropped AND ${USER_NAMESPACE}),
  'constraints', (SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE ${USER_NAMESPACE}),
  'triggers', (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
  'policies', (SELECT count(*) FROM pg_policy),
  'rules', (SELECT count(*) FROM pg_rewrite),
  'row security', (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relrowsecurity AND ${USER_NAMESPACE})
)::text AS fingerprint`;

/** Counts of catalog objects of every kind: cheap, and it moves when anything outside a scoped snapshot does. */
export async function catalogFingerprint(client: pg.ClientBase): Promise<Record<string, number>> {
  return JSON.parse((await client.query<{ fingerprint: string }>(FINGERPRINT_SQL)).rows[0]!.fingerprint) as Record<string, number>;
}

/** What changed between two fingerprints, worded for a report; empty when equal. */
export function fingerprintChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(before)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key} outside the relations this migration names: ${before[key]} → ${after[key]}`);
}
