import type { Migration } from '../core/migration.js';
import { parsePlpgsql, parseStatements, type ParsedStatement } from './parser.js';

/**
 * Transaction control inside procedural code: a `DO` block or a procedure whose PL/pgSQL body runs `COMMIT` or
 * `ROLLBACK`. Inside a transaction block the server refuses it ("invalid transaction termination"), so a file
 * with such a statement must run outside one, like CREATE INDEX CONCURRENTLY. Only what the parser can see is
 * found: the body of a DO block, procedures created in the migrations (in the same file or another), and DO
 * blocks that CALL them; `EXECUTE 'COMMIT'` and procedures created elsewhere are not.
 */

/** Procedures whose body ends transactions, by name: `name` and `schema.name`, lower-case as Postgres folds. */
export type ProcedureIndex = ReadonlySet<string>;

/** Why `statement` cannot run in a transaction block because of procedural transaction control, or undefined. */
export function proceduralControlReason(
  statement: ParsedStatement,
  procedures: ProcedureIndex = new Set(),
): string | undefined {
  if (statement.kind === 'DoStmt') {
    if (languageOf(statement.node.args) !== 'plpgsql') return undefined;
    const found = controlIn(parsePlpgsql(statement.text), procedures);
    if (!found) return undefined;
    const line = statement.line + found.lineno - 1;
    const what = found.called
      ? `calls ${found.called} (line ${line}), a procedure that commits or rolls back`
      : `runs ${found.verb} (line ${line})`;
    return `the DO block at line ${statement.line} ${what}: transaction control cannot run inside a transaction block`;
  }
  if (statement.kind === 'CallStmt') {
    const name = calledIn(statement.node, procedures);
    if (name)
      return `CALL ${name} (line ${statement.line}) runs a procedure that commits or rolls back: it cannot run inside a transaction block`;
  }
  return undefined;
}

/** The procedures among `statements` whose PL/pgSQL body commits or rolls back (directly, or via another). */
export function proceduresWithControl(statements: readonly ParsedStatement[], known: ProcedureIndex = new Set()) {
  const found = new Set(known);
  for (const statement of statements) {
    const node = statement.node;
    if (statement.kind !== 'CreateFunctionStmt' || node.is_procedure !== true) continue;
    if (languageOf(node.options) !== 'plpgsql') continue;
    if (!controlIn(parsePlpgsql(statement.text), found)) continue;
    for (const name of names(node.funcname)) found.add(name);
  }
  return found;
}

/**
 * Every such procedure created by a set of migration files; files that never mention a procedure are not parsed
 * again. Call only when a script CALLs something (the common migration pays nothing).
 */
export function procedureIndexOf(files: ReadonlyArray<{ file: string; sql: string }>): ProcedureIndex {
  let index: ReadonlySet<string> = new Set();
  for (const { file, sql } of files) {
    if (!/procedure/i.test(sql) || !/commit|rollback/i.test(sql)) continue;
    try {
      index = proceduresWithControl(parseStatements(sql, file), index);
    } catch {
      // A file that does not parse is reported where it runs; it contributes nothing here.
    }
  }
  return index;
}

const indexes = new WeakMap<readonly Migration[], ProcedureIndex>();

/** {@link procedureIndexOf} the up files of a migration set, built on first use and kept with the set. */
export function lazyProcedureIndex(migrations: readonly Migration[]): () => ProcedureIndex {
  return () => {
    let index = indexes.get(migrations);
    if (!index) {
      index = procedureIndexOf(migrations.map((m) => ({ file: m.file, sql: m.upSql })));
      indexes.set(migrations, index);
    }
    return index;
  };
}

/** `schema.name` and `name`, as the server folds unquoted names (the parser already did). */
function names(funcname: unknown): string[] {
  const parts = ((funcname as Array<{ String?: { sval?: string } }> | undefined) ?? []).map(
    (p) => p.String?.sval ?? '',
  );
  const last = parts.at(-1);
  if (!last) return [];
  return parts.length > 1 ? [parts.join('.'), last] : [last];
}

/**
 * The procedure a CALL names, when it is in the index. A qualified CALL also matches a procedure created without
 * a schema (it went to the first schema of the search_path, unknown here): running a file outside a
 * transaction needlessly costs atomicity, failing it costs the run.
 */
function calledIn(node: Record<string, unknown>, procedures: ProcedureIndex): string | undefined {
  const call = node.funccall as { funcname?: unknown } | undefined;
  const [name, ...rest] = names(call?.funcname);
  return name && [name, ...rest].some((n) => procedures.has(n)) ? name : undefined;
}

function languageOf(options: unknown): string {
  for (const option of (options as Array<{ DefElem?: { defname?: string; arg?: unknown } }> | undefined) ?? []) {
    if (option.DefElem?.defname === 'language')
      return String((option.DefElem.arg as { String?: { sval?: string } }).String?.sval ?? '').toLowerCase();
  }
  return 'plpgsql';
}

/** The first COMMIT/ROLLBACK (or CALL of a known procedure) anywhere in a PL/pgSQL tree. */
function controlIn(
  tree: unknown,
  procedures: ProcedureIndex,
): { verb: 'COMMIT' | 'ROLLBACK'; lineno: number; called?: string } | null {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const record = value as Record<string, unknown>;
    for (const [key, verb] of [
      ['PLpgSQL_stmt_commit', 'COMMIT'],
      ['PLpgSQL_stmt_rollback', 'ROLLBACK'],
    ] as const) {
      const stmt = record[key] as { lineno?: number } | undefined;
      if (stmt) return { verb, lineno: stmt.lineno ?? 1 };
    }
    const call = record.PLpgSQL_stmt_call as { lineno?: number; expr?: { PLpgSQL_expr?: { query?: string } } };
    const query = call?.expr?.PLpgSQL_expr?.query;
    if (query && procedures.size > 0) {
      const called = calledProcedure(query, procedures);
      if (called) return { verb: 'COMMIT', lineno: call.lineno ?? 1, called };
    }
    for (const child of Object.values(record).reverse()) stack.push(child);
  }
  return null;
}

function calledProcedure(query: string, procedures: ProcedureIndex): string | undefined {
  try {
    const [statement] = parseStatements(query, 'PL/pgSQL CALL');
    return statement?.kind === 'CallStmt' ? calledIn(statement.node, procedures) : undefined;
  } catch {
    return undefined;
  }
}
