import type { ParsedStatement } from './parser.js';

/** PostgreSQL's table-level lock modes, weakest first (docs: "Explicit Locking", table 13.2). */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** A table-level lock a statement takes. `relation` is the name as written: `platform.projects` or `projects`. */
export interface RelationLock {
  mode: LockMode;
  relation: string;
}

type Node = Record<string, unknown>;

const written = (rangeVar: unknown): string => {
  const r = (rangeVar ?? {}) as Node;
  return r.schemaname ? `${String(r.schemaname)}.${String(r.relname)}` : String(r.relname ?? '?');
};
const stronger = (a: LockMode, b: LockMode): LockMode => (LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b);

/** What a lock mode does to other sessions, for plan output ("blocks reads and writes"). */
export function lockImpact(mode: LockMode): string {
  if (mode === 'ACCESS EXCLUSIVE') return 'blocks reads and writes';
  if (LOCK_MODES.indexOf(mode) >= LOCK_MODES.indexOf('SHARE')) return 'blocks writes';
  if (mode === 'SHARE UPDATE EXCLUSIVE') return 'blocks schema changes, VACUUM and other index builds';
  if (mode === 'ROW EXCLUSIVE') return 'blocks index builds and schema changes';
  return 'blocks only schema changes';
}

/**
 * The table-level locks one statement takes, strongest per relation, as PostgreSQL's docs (and
 * AlterTableGetLockLevel in tablecmds.c) state them. A table the statement creates is left out: no other
 * session can see it yet. Statements on no table (CREATE FUNCTION, GRANT, …) return nothing.
 */
export function locksFor(statement: ParsedStatement): RelationLock[] {
  const locks = new Map<string, LockMode>();
  const add = (relation: unknown, mode: LockMode) => {
    const name = typeof relation === 'string' ? relation : written(relation);
    locks.set(name, stronger(locks.get(name) ?? 'ACCESS SHARE', mode));
  };
  collect(statement, add);
  return [...locks].map(([relation, mode]) => ({ mode, relation }));
}

type Add = (relation: unknown, mode: LockMode) => void;

function collect({ kind, node }: ParsedStatement, add: Add): void {
  switch (kind) {
    case 'AlterTableStmt':
      return alterTable(node, add);
    case 'IndexStmt':
      return add(node.relation, node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
    case 'CreateStmt':
      return createTable(node, add);
    case 'DropStmt':
      return drop(node, add);
    case 'TruncateStmt':
      return listOf(node.relations).forEach((r) => add(r.RangeVar, 'ACCESS EXCLUSIVE'));
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      // Tables read by the statement (FROM, USING, sub-selects) get ACCESS SHARE; the target ROW EXCLUSIVE.
      readRelations(node, node.relation, add);
      return add(node.relation, 'ROW EXCLUSIVE');
    case 'SelectStmt':
      return readRelations(node, undefined, add, node.lockingClause ? 'ROW SHARE' : 'ACCESS SHARE');
    case 'CreateTrigStmt':
      return add(node.relation, 'SHARE ROW EXCLUSIVE');
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return add(node.table, 'ACCESS EXCLUSIVE');
    case 'RuleStmt':
      return add(node.relation, 'ACCESS EXCLUSIVE');
    case 'RenameStmt':
      return rename(node, add);
    case 'ReindexStmt':
      return reindex(node, add);
    case 'VacuumStmt':
      return vacuum(node, add);
    case 'ClusterStmt':
      return node.relation ? add(node.relation, 'ACCESS EXCLUSIVE') : undefined;
    case 'RefreshMatViewStmt':
      return add(node.relation, node.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    case 'LockStmt':
      // The grammar numbers modes 1 (ACCESS SHARE) … 8 (ACCESS EXCLUSIVE), in LOCK_MODES order.
      return listOf(node.relations).forEach((r) =>
        add(r.RangeVar, LOCK_MODES[Number(node.mode) - 1] ?? 'ACCESS EXCLUSIVE'),
      );
    case 'ViewStmt':
      return node.replace ? add(node.view, 'ACCESS EXCLUSIVE') : undefined;
    case 'CommentStmt':
      return ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(String(node.objtype))
        ? add(qualifiedName(node.object), 'SHARE UPDATE EXCLUSIVE')
        : undefined;
    case 'AlterSeqStmt':
      return add(node.sequence, 'SHARE ROW EXCLUSIVE');
    default:
      return undefined;
  }
}

const listOf = (value: unknown): Node[] => (value as Node[] | undefined) ?? [];
const cmdsOf = (node: Node): Node[] => listOf(node.cmds).map((c) => (c.AlterTableCmd ?? {}) as Node);
const names = (list: unknown): string[] => listOf(list).map((n) => String((n.String as Node | undefined)?.sval ?? ''));
const qualifiedName = (object: unknown): string => {
  const o = (object ?? {}) as Node;
  return o.String ? names([o]).join('.') : names((o.List as Node | undefined)?.items).join('.');
};

/** The strongest subcommand lock wins; foreign keys also lock the referenced table (they add triggers to it). */
function alterTable(node: Node, add: Add): void {
  for (const cmd of cmdsOf(node)) {
    add(node.relation, alterCommandLock(cmd));
    const def = (cmd.def ?? {}) as Node;
    lockReferencedTables(def, add);
    const partition = def.PartitionCmd as Node | undefined;
    if (cmd.subtype === 'AT_AttachPartition') add(partition?.name, 'ACCESS EXCLUSIVE');
    if (cmd.subtype === 'AT_DetachPartition')
      add(partition?.name, partition?.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
  }
}

/** A foreign key adds triggers to the table it references, which takes SHARE ROW EXCLUSIVE there. */
function lockReferencedTables(element: Node, add: Add): void {
  const column = element.ColumnDef as Node | undefined;
  const constraints = element.Constraint
    ? [element.Constraint as Node]
    : listOf(column?.constraints).map((c) => c.Constraint as Node);
  for (const constraint of constraints)
    if (constraint?.contype === 'CONSTR_FOREIGN') add(constraint.pktable, 'SHARE ROW EXCLUSIVE');
}

/** Subcommands below ACCESS EXCLUSIVE; everything else (ADD/DROP COLUMN, TYPE, SET NOT NULL, RLS, …) takes it. */
const WEAKER_SUBCOMMANDS: Record<string, LockMode> = {
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_SetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_DetachPartitionFinalize: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

/** Storage parameters that only steer maintenance and planning, so they need no more than SHARE UPDATE EXCLUSIVE. */
const LIGHT_RELOPTIONS =
  /^(fillfactor|parallel_workers|toast_tuple_target|vacuum_index_cleanup|vacuum_truncate|log_autovacuum_min_duration|(toast\.)?autovacuum_.*)$/;

function alterCommandLock(cmd: Node): LockMode {
  const subtype = String(cmd.subtype);
  const def = (cmd.def ?? {}) as Node;
  if (subtype === 'AT_AddConstraint' && (def.Constraint as Node | undefined)?.contype === 'CONSTR_FOREIGN')
    return 'SHARE ROW EXCLUSIVE';
  if (subtype === 'AT_DetachPartition' && (def.PartitionCmd as Node | undefined)?.concurrent)
    return 'SHARE UPDATE EXCLUSIVE';
  if (subtype === 'AT_SetRelOptions' || subtype === 'AT_ResetRelOptions') {
    const options = listOf((def.List as Node | undefined)?.items).map((item) => {
      const elem = (item.DefElem ?? {}) as Node;
      return elem.defnamespace ? `${String(elem.defnamespace)}.${String(elem.defname)}` : String(elem.defname);
    });
    return options.every((name) => LIGHT_RELOPTIONS.test(name)) ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
  }
  return WEAKER_SUBCOMMANDS[subtype] ?? 'ACCESS EXCLUSIVE';
}

/** A new table locks only what it references: the parent it becomes a partition of, the tables its FKs point at. */
function createTable(node: Node, add: Add): void {
  if (node.partbound) listOf(node.inhRelations).forEach((r) => add(r.RangeVar, 'ACCESS EXCLUSIVE'));
  for (const element of listOf(node.tableElts)) lockReferencedTables(element, add);
}

/**
 * Dropped relations take ACCESS EXCLUSIVE. DROP INDEX locks the index's table, which the statement does not
 * name, so the index name stands in. Triggers, policies and rules lock the table they are on.
 */
const DROPPED_RELATIONS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
]);
const ON_TABLE = new Set(['OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

function drop(node: Node, add: Add): void {
  const type = String(node.removeType);
  for (const object of listOf(node.objects)) {
    const parts = object.String ? names([object]) : names((object.List as Node | undefined)?.items);
    if (DROPPED_RELATIONS.has(type)) add(parts.join('.'), 'ACCESS EXCLUSIVE');
    else if (type === 'OBJECT_INDEX')
      add(parts.join('.'), node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    else if (ON_TABLE.has(type)) add(parts.slice(0, -1).join('.'), 'ACCESS EXCLUSIVE');
  }
}

/** Renaming an index needs only SHARE UPDATE EXCLUSIVE (PostgreSQL 12+); renaming anything on a table, ACCESS EXCLUSIVE. */
function rename(node: Node, add: Add): void {
  if (!node.relation) return;
  add(node.relation, node.renameType === 'OBJECT_INDEX' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
}

function reindex(node: Node, add: Add): void {
  if (!node.relation) return;
  const concurrent = listOf(node.params).some((p) => (p.DefElem as Node | undefined)?.defname === 'concurrently');
  if (concurrent) return add(node.relation, 'SHARE UPDATE EXCLUSIVE');
  // REINDEX TABLE blocks writes to the table; REINDEX INDEX also blocks reads that would use the index.
  add(node.relation, node.kind === 'REINDEX_OBJECT_INDEX' ? 'ACCESS EXCLUSIVE' : 'SHARE');
}

function vacuum(node: Node, add: Add): void {
  const full = listOf(node.options).some((o) => (o.DefElem as Node | undefined)?.defname === 'full');
  const mode: LockMode = node.is_vacuumcmd && full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE';
  listOf(node.rels).forEach((r) => add((r.VacuumRelation as Node | undefined)?.relation, mode));
}

/**
 * Every table a DML or SELECT statement reads, except its target (the caller locks that more strongly) and
 * names that refer to the statement's own WITH queries rather than to tables.
 */
function readRelations(node: Node, target: unknown, add: Add, mode: LockMode = 'ACCESS SHARE'): void {
  const cteNames = new Set<string>();
  const findCtes = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(findCtes);
    if (!value || typeof value !== 'object') return;
    const cte = (value as Node).CommonTableExpr as Node | undefined;
    if (cte) cteNames.add(String(cte.ctename));
    Object.values(value).forEach(findCtes);
  };
  findCtes(node);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object' || value === target) return;
    const v = value as Node;
    const rangeVar = v.RangeVar as Node | undefined;
    if (rangeVar && !(rangeVar.schemaname === undefined && cteNames.has(String(rangeVar.relname)))) add(rangeVar, mode);
    else if (!rangeVar) Object.values(v).forEach(visit);
  };
  Object.entries(node).forEach(([key, value]) => key !== 'relation' && visit(value));
}
