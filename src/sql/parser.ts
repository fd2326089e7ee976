import type { Node } from 'libpg-query';
import { OgelError } from '../errors.js';
import { lineColumnAt } from './position.js';

/** One top-level statement of a SQL file, as the real Postgres parser sees it. */
export interface ParsedStatement {
  /** The node type, e.g. `CreateStmt`, `IndexStmt`, `TransactionStmt`. */
  kind: string;
  /** The statement's own node (the value under `kind`). */
  node: Record<string, unknown>;
  /** The full AST node `{ [kind]: node }`, for code that walks the tree. */
  ast: Node;
  /** Character offsets into the file's text (not bytes), leading comments and whitespace trimmed. */
  start: number;
  end: number;
  /** 1-based position of the statement's first character. */
  line: number;
  column: number;
  /** The statement's text exactly as written, without its terminating semicolon. */
  text: string;
}

let loading: Promise<void> | undefined;
let parseSync:
  ((sql: string) => { stmts?: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }> }) | undefined;

/**
 * The parser is WebAssembly and must be instantiated once before the synchronous API works. Every entry point
 * that parses (runner, linter, CLI) awaits this; it is cheap after the first call. Loaded lazily: commands that
 * never parse (status, history) skip its start-up cost.
 */
export function ensureParser(): Promise<void> {
  loading ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    parseSync = module.parseSync as typeof parseSync;
  });
  return loading;
}

/**
 * Splits and parses SQL with libpg-query (the Postgres server's own grammar), so dollar quotes, nested comments
 * and E'' strings are handled exactly as the server will. Throws `SQL_SYNTAX` with file, line and column.
 * Call {@link ensureParser} first.
 */
export function parseStatements(sql: string, file: string): ParsedStatement[] {
  if (!parseSync) throw new Error('ensureParser() must be awaited before parseStatements()');
  let result;
  try {
    result = parseSync(sql);
  } catch (error) {
    throw syntaxError(error, sql, file);
  }
  const bytes = Buffer.from(sql, 'utf8');
  const toChar = byteToCharOffsets(bytes);
  const statements: ParsedStatement[] = [];
  for (const raw of result.stmts ?? []) {
    const ast = raw.stmt as Node | undefined;
    if (!ast) continue;
    const kind = Object.keys(ast)[0] ?? 'Unknown';
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : bytes.length;
    let start = toChar(byteStart);
    const end = toChar(byteEnd);
    start += leadingTriviaLength(sql.slice(start, end));
    const { line, column } = lineColumnAt(sql, start);
    statements.push({
      kind,
      node: (ast as unknown as Record<string, Record<string, unknown>>)[kind] ?? {},
      ast,
      start,
      end,
      line,
      column,
      text: sql.slice(start, end).trimEnd(),
    });
  }
  return statements;
}

function syntaxError(error: unknown, sql: string, file: string): OgelError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  const bytePos = details?.cursorPosition ?? 0;
  const charPos = byteToCharOffsets(Buffer.from(sql, 'utf8'))(bytePos);
  const { line, column } = lineColumnAt(sql, charPos);
  const lineText = sql.split('\n')[line - 1] ?? '';
  const hint = /^\s*\\[a-zA-Z]/.test(lineText)
    ? ' (this is a psql meta-command; migrations must be plain SQL that any client can send)'
    : '';
  return new OgelError(
    'SQL_SYNTAX',
    `${file}:${line}:${column}: ${message}${hint}`,
    { file, line, column },
    {
      cause: error,
    },
  );
}

/** Maps UTF-8 byte offsets (what libpg-query reports) to JavaScript string offsets. */
function byteToCharOffsets(bytes: Buffer): (byteOffset: number) => number {
  if (bytes.length === bytes.toString('utf8').length) return (offset) => offset;
  return (offset) => bytes.subarray(0, Math.min(offset, bytes.length)).toString('utf8').length;
}

/** Length of whitespace and comments before a statement's first token. */
function leadingTriviaLength(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline + 1;
    } else if (text.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith('/*', i)) (depth++, (i += 2));
        else if (text.startsWith('*/', i)) (depth--, (i += 2));
        else i++;
      }
    } else {
      return i;
    }
  }
}
