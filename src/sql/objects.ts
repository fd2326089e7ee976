import type { ParsedStatement } from './parser.js';

/** A schema object a statement creates or drops, as the parser sees it (no catalog lookups). */
export interface ObjectRef {
  type:
    | 'schema'
    | 'table'
    | 'view'
    | 'column'
    | 'index'
    | 'function'
    | 'policy'
    | 'trigger'
    | 'rls'
    | 'type'
    | 'sequence'
    | 'role'
    | 'extension';
  /** Stable key, e.g. `column platform.projects.tags`; unqualified names are taken as `public`. */
  key: string;
}

export interface StatementEffects {
  creates: ObjectRef[];
  drops: ObjectRef[];
  /** Why running the statement a second time would fail (or differ), when it would. */
  notIdempotent?: string;
}

type Node = Record<string, unknown>;
const str = (n: unknown): string => ((n as { String?: { sval?: string } })?.String?.sval ?? '') as string;
const names = (list: unknown): string[] => ((list as unknown[]) ?? []).map(str);

function relation(rel: unknown): string {
  const r = (rel ?? {}) as { schemaname?: string; relname?: string };
  return `${r.schemaname ?? 'public'}.${r.relname ?? '?'}`;
}

function qualified(parts: string[]): string {
  return parts.length > 1 ? parts.join('.') : `public.${parts[0] ?? '?'}`;
}

const ref = (type: ObjectRef['type'], name: string): ObjectRef => ({ type, key: `${type} ${name}` });

/** What one statement creates and drops, and whether it can safely run twice. */
export function statementEffects(statement: ParsedStatement): StatementEffects {
  const n = statement.node as Node;
  switch (statement.kind) {
    case 'CreateSchemaStmt':
      return {
        creates: [ref('schema', String(n.schemaname))],
        drops: [],
        ...(n.if_not_exists ? {} : { notIdempotent: 'CREATE SCHEMA without IF NOT EXISTS' }),
      };
    case 'CreateStmt': {
      const table = relation(n.relation);
      const columns = ((n.tableElts as Node[]) ?? [])
        .filter((e) => e.ColumnDef)
        .map((e) => ref('column', `${table}.${(e.ColumnDef as Node).colname}`));
      return {
        creates: [ref('table', table), ...columns],
        drops: [],
        ...(n.if_not_exists ? {} : { notIdempotent: 'CREATE TABLE without IF NOT EXISTS' }),
      };
    }
    case 'ViewStmt':
      return {
        creates: [ref('view', relation(n.view))],
        drops: [],
        ...(n.replace ? {} : { notIdempotent: 'CREATE VIEW without OR REPLACE' }),
      };
    case 'IndexStmt': {
      const table = relation(n.relation);
      const schema = table.split('.')[0]!;
      const created = n.idxname ? [ref('index', `${schema}.${n.idxname}`)] : [];
      return {
        creates: created,
        drops: [],
        ...(n.if_not_exists || !n.idxname ? {} : { notIdempotent: 'CREATE INDEX without IF NOT EXISTS' }),
      };
    }
    case 'CreateFunctionStmt':
      return {
        creates: [ref('function', qualified(names(n.funcname)))],
        drops: [],
        ...(n.replace ? {} : { notIdempotent: 'CREATE FUNCTION without OR REPLACE' }),
      };
    case 'CreatePolicyStmt':
      return {
        creates: [ref('policy', `${relation(n.table)}.${n.policy_name}`)],
        drops: [],
        notIdempotent: 'CREATE POLICY has no IF NOT EXISTS (guard it with DROP POLICY IF EXISTS first)',
      };
    case 'CreateTrigStmt':
      return {
        creates: [ref('trigger', `${relation(n.relation)}.${n.trigname}`)],
        drops: [],
        ...(n.replace
          ? {}
          : { notIdempotent: 'CREATE TRIGGER without OR REPLACE (PostgreSQL 14+) or a DROP TRIGGER IF EXISTS guard' }),
      };
    case 'CreateSeqStmt':
      return {
        creates: [ref('sequence', relation(n.sequence))],
        drops: [],
        ...(n.if_not_exists ? {} : { notIdempotent: 'CREATE SEQUENCE without IF NOT EXISTS' }),
      };
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
      return {
        creates: [
          ref('type', qualified(names(n.typeName ?? (n.typevar ? [{ String: { sval: relation(n.typevar) } }] : [])))),
        ],
        drops: [],
        notIdempotent: 'CREATE TYPE has no IF NOT EXISTS',
      };
    case 'CreateExtensionStmt':
      return {
        creates: [ref('extension', String(n.extname))],
        drops: [],
        ...(n.if_not_exists ? {} : { notIdempotent: 'CREATE EXTENSION without IF NOT EXISTS' }),
      };
    case 'CreateRoleStmt':
      return {
        creates: [ref('role', String(n.role))],
        drops: [],
        notIdempotent: 'CREATE ROLE outside an IF NOT EXISTS guard (DO block)',
      };
    case 'AlterTableStmt':
      return alterTable(n);
    case 'DropStmt':
      return { creates: [], drops: dropped(n) };
    default:
      return { creates: [], drops: [] };
  }
}

function alterTable(n: Node): StatementEffects {
  const table = relation(n.relation);
  const creates: ObjectRef[] = [];
  const drops: ObjectRef[] = [];
  let notIdempotent: string | undefined;
  for (const item of (n.cmds as Node[]) ?? []) {
    const cmd = (item.AlterTableCmd ?? {}) as Node;
    if (cmd.subtype === 'AT_AddColumn') {
      creates.push(ref('column', `${table}.${((cmd.def as Node)?.ColumnDef as Node)?.colname}`));
      if (!cmd.missing_ok) notIdempotent = 'ADD COLUMN without IF NOT EXISTS';
    } else if (cmd.subtype === 'AT_DropColumn') drops.push(ref('column', `${table}.${cmd.name}`));
    else if (cmd.subtype === 'AT_EnableRowSecurity') creates.push(ref('rls', table));
    else if (cmd.subtype === 'AT_DisableRowSecurity') drops.push(ref('rls', table));
  }
  return { creates, drops, ...(notIdempotent ? { notIdempotent } : {}) };
}

const DROP_TYPES: Record<string, ObjectRef['type']> = {
  OBJECT_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_INDEX: 'index',
  OBJECT_SCHEMA: 'schema',
  OBJECT_FUNCTION: 'function',
  OBJECT_POLICY: 'policy',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_TYPE: 'type',
  OBJECT_EXTENSION: 'extension',
};

function dropped(n: Node): ObjectRef[] {
  const type = DROP_TYPES[String(n.removeType)];
  if (!type) return [];
  return ((n.objects as unknown[]) ?? []).map((object) => {
    const o = object as Node;
    if (o.ObjectWithArgs) return ref(type, qualified(names((o.ObjectWithArgs as Node).objname)));
    if (o.String) return ref(type, str(o));
    const parts = names((o.List as Node)?.items);
    // Policies and triggers are named "on table": schema.table.name, or table.name.
    if (type === 'policy' || type === 'trigger')
      return ref(type, parts.length === 3 ? parts.join('.') : `public.${parts.join('.')}`);
    if (type === 'schema' || type === 'extension') return ref(type, parts.join('.'));
    return ref(type, qualified(parts));
  });
}

/**
 * The net objects a script leaves behind: created and not dropped later in the same script. A table's columns
 * are listed so a partly applied ALTER shows which column is missing.
 */
export function scriptEffects(statements: readonly ParsedStatement[]): { creates: ObjectRef[]; drops: ObjectRef[] } {
  const created = new Map<string, ObjectRef>();
  const droppedKeys = new Map<string, ObjectRef>();
  for (const statement of statements) {
    const effects = statementEffects(statement);
    for (const object of effects.drops) droppedKeys.set(object.key, object);
    for (const [key, object] of created) if (isRemovedBy(object, effects.drops)) created.delete(key);
    for (const object of effects.creates) {
      created.set(object.key, object);
      droppedKeys.delete(object.key);
    }
  }
  return { creates: [...created.values()], drops: [...droppedKeys.values()] };
}

/** The table a column, policy, trigger or RLS flag belongs to (dropping the table drops them too). */
function owningTable(object: ObjectRef): string | undefined {
  const name = object.key.slice(object.type.length + 1);
  if (object.type === 'rls') return name;
  if (object.type === 'column' || object.type === 'policy' || object.type === 'trigger')
    return name.split('.').slice(0, 2).join('.');
  return undefined;
}

/** Whether dropping `drops` removes `object`: directly, with its table, or with its schema. */
export function isRemovedBy(object: ObjectRef, drops: readonly ObjectRef[]): boolean {
  const keys = new Set(drops.map((d) => d.key));
  if (keys.has(object.key)) return true;
  const table = owningTable(object);
  if (table && keys.has(`table ${table}`)) return true;
  const name = object.key.slice(object.type.length + 1);
  const schema =
    object.type === 'schema' || object.type === 'role' || object.type === 'extension' ? undefined : name.split('.')[0];
  return schema !== undefined && keys.has(`schema ${schema}`);
}
