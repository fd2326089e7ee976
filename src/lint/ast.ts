/** Small readers for libpg-query's JSON AST, so rules read like the SQL they check. */
export type Node = Record<string, unknown>;

const asNode = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});

/** The `sval` of each `{ String: { sval } }` in a list (qualified names, column lists). */
export function strings(list: unknown): string[] {
  return ((list as Node[] | undefined) ?? []).map((item) => String(asNode(item.String).sval ?? ''));
}

/** A RangeVar as written: `platform.projects`, or just `projects`. */
export function writtenName(rangeVar: unknown): string {
  const r = asNode(rangeVar);
  return r.schemaname ? `${String(r.schemaname)}.${String(r.relname)}` : String(r.relname ?? '?');
}

/** The key the linter compares tables by: lowercase, and `public.` when no schema is written. */
export function tableKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('.') ? lower : `public.${lower}`;
}

export const rangeVarKey = (rangeVar: unknown): string => tableKey(writtenName(rangeVar));

/** The subcommands of an ALTER TABLE, unwrapped from their `AlterTableCmd` envelopes. */
export function alterCommands(node: Node): Node[] {
  return ((node.cmds as Node[] | undefined) ?? []).map((cmd) => asNode(cmd.AlterTableCmd));
}

/** The constraints written on a column definition (NOT NULL, DEFAULT, REFERENCES, …), unwrapped. */
export function columnConstraints(column: Node): Node[] {
  return ((column.constraints as Node[] | undefined) ?? []).map((c) => asNode(c.Constraint));
}

/**
 * A column's type name without the `pg_catalog.` the grammar adds to built-ins: `int4`, `varchar`,
 * `timestamp`. A type in another schema keeps its schema, so `myschema.timestamp` never matches a built-in.
 */
export function columnType(column: Node): string {
  const names = strings(asNode(column.typeName).names);
  return (names[0] === 'pg_catalog' ? names.slice(1) : names).join('.').toLowerCase();
}

/** `varchar(20)` has typmods, plain `varchar` has none. */
export function hasTypmods(column: Node): boolean {
  return ((asNode(column.typeName).typmods as unknown[] | undefined) ?? []).length > 0;
}

/** The columns a CREATE TABLE defines, with the table-level constraints beside them. */
export function tableElements(node: Node): { columns: Node[]; constraints: Node[] } {
  const elements = (node.tableElts as Node[] | undefined) ?? [];
  return {
    columns: elements.filter((e) => e.ColumnDef).map((e) => asNode(e.ColumnDef)),
    constraints: elements.filter((e) => e.Constraint).map((e) => asNode(e.Constraint)),
  };
}

/** The column an ALTER TABLE … ADD COLUMN adds. */
export const addedColumn = (cmd: Node): Node => asNode(asNode(cmd.def).ColumnDef);

/** The constraint an ALTER TABLE … ADD CONSTRAINT adds. */
export const addedConstraint = (cmd: Node): Node => asNode(asNode(cmd.def).Constraint);

/**
 * The earliest source position (a UTF-8 byte offset into the file) inside a subtree. The parser records
 * `location` on most leaves but not on every command, so the earliest one is where the construct begins.
 */
export function earliestLocation(tree: unknown): number | undefined {
  let best: number | undefined;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'location' && typeof child === 'number' && child >= 0)
          best = best === undefined ? child : Math.min(best, child);
        else visit(child);
      }
    }
  };
  visit(tree);
  return best;
}
