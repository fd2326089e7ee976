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
let parsePlpgsqlSync: ((sql: string) => unknown) | undefined;

/**
 * The parser is WebAssembly and must be instantiated once before the synchronous API works. Every entry point
 * that parses (runner, linter, CLI) awaits this; it is cheap after the first call. Loaded lazily: commands that
 * never parse (status, history) skip its start-up cost.
 */
export function ensureParser(): Promise<void> {
  loading ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    parseSync = module.parseSync as typeof parseSync;
    parsePlpgsqlSync = module.parsePlPgSQLSync;
  });
  return loading;
}

/**
 * Splits and parses SQL with libpg-query (the Postgres server's own grammar), so dollar quotes, nested comments
 * and E'' strings are handled exactly as the server will. Throws `SQL_SYNTAX` with file, line and column.
 * Call {@link ensureParser} first.
 */
export function parseStatements(sql: string, file: string, chunkBytes = PARSE_CHUNK_BYTES): ParsedStatement[] {
  if (!parseSync) throw new Error('ensureParser() must be awaited before parseStatements()');
  // An empty file has nothing to do, as for psql (the parser refuses an empty string).
  if (sql === '') return [];
  const nul = sql.indexOf('\0');
  if (nul !== -1) {
    // The parser and the server read C strings: everything after a NUL would silently not exist.
    const { line, column } = lineColumnAt(sql, nul);
    throw new OgelError('SQL_SYNTAX', `${file}:${line}:${column}: contains a NUL character`, { file, line, column });
  }
  const bytes = Buffer.from(sql, 'utf8');
  const toChar = byteToCharOffsets(bytes);
  const locate = lineColumnCursor(sql);
  const statements: ParsedStatement[] = [];
  for (const raw of parseRaw(bytes, sql, file, chunkBytes)) {
    const ast = raw.stmt as Node | undefined;
    if (!ast) continue;
    const kind = Object.keys(ast)[0] ?? 'Unknown';
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : bytes.length;
    let start = toChar(byteStart);
    const end = toChar(byteEnd);
    start += leadingTriviaLength(sql.slice(start, end));
    const { line, column } = locate(start);
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

type RawStatement = { stmt?: unknown; stmt_location?: number; stmt_len?: number };

/**
 * Above this many bytes a script is parsed in pieces: the parser's WebAssembly memory holds the whole tree of
 * what it parses, and a file of 1.6 million statements (40 MB) exhausted it.
 */
export const PARSE_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The parser's statements with byte offsets into the whole script. A large script is cut after a line that ends
 * in `;`, and a piece must parse on its own: a cut inside a string, a dollar quote, a comment or a statement
 * (CREATE RULE's parenthesised actions, BEGIN ATOMIC bodies) leaves it unterminated, and the piece then grows
 * to the next cut. What the pieces yield is exactly what one parse of the whole would.
 */
function parseRaw(bytes: Buffer, sql: string, file: string, chunkBytes: number): RawStatement[] {
  if (bytes.length <= chunkBytes) return parseOrThrow(sql, sql, file, 0);
  const statements: RawStatement[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = cutAfter(bytes, start + chunkBytes);
    for (;;) {
      const piece = bytes.subarray(start, end).toString('utf8');
      let parsed: RawStatement[] | undefined;
      try {
        parsed = parseSync!(piece).stmts ?? [];
      } catch (error) {
        if (end >= bytes.length || !isUnterminated(error)) throw syntaxError(error, sql, file, start);
      }
      // Not cut after a statement's own `;` (the `;` ended a comment line inside one): the statement goes on.
      if (parsed && (end >= bytes.length || parsed.length === 0 || parsed.at(-1)!.stmt_len)) {
        for (const raw of parsed) {
          // Positions inside the tree (what the linter reports) are the piece's: make them the file's.
          if (start > 0) shiftLocations(raw.stmt, start);
          statements.push({ ...raw, stmt_location: (raw.stmt_location ?? 0) + start });
        }
        break;
      }
      end = cutAfter(bytes, end + chunkBytes);
    }
    start = end;
  }
  return statements;
}

/** Adds `delta` to every `location` in a parse tree (-1, "unknown", stays). */
function shiftLocations(node: unknown, delta: number): void {
  const stack = [node];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const child = record[key];
      if (key === 'location' && typeof child === 'number') {
        if (child >= 0) record[key] = child + delta;
      } else if (child && typeof child === 'object') stack.push(child);
    }
  }
}

function parseOrThrow(text: string, sql: string, file: string, byteOffset: number): RawStatement[] {
  try {
    return parseSync!(text).stmts ?? [];
  } catch (error) {
    throw syntaxError(error, sql, file, byteOffset);
  }
}

/** The byte just after the first `;\n` at or past `from` (a line that ends a statement), or the end. */
function cutAfter(bytes: Buffer, from: number): number {
  if (from >= bytes.length) return bytes.length;
  const at = bytes.indexOf(';\n', from);
  return at === -1 ? bytes.length : at + 2;
}

/** The parser stopped because the piece ended inside something, not because of a real error. */
function isUnterminated(error: unknown): boolean {
  const message = (error as { message?: string })?.message ?? '';
  return /^unterminated |at end of input/.test(message);
}

/**
 * The PL/pgSQL trees (`{ plpgsql_funcs: [...] }`) of the bodies of a `DO` or `CREATE FUNCTION/PROCEDURE`
 * statement's text, from the same library's PL/pgSQL parser; null when it cannot read them (the server will
 * report a real error when the statement runs). Call {@link ensureParser} first.
 */
export function parsePlpgsql(statementText: string): unknown {
  if (!parsePlpgsqlSync) throw new Error('ensureParser() must be awaited before parsePlpgsql()');
  try {
    return parsePlpgsqlSync(statementText);
  } catch {
    return null;
  }
}

function syntaxError(error: unknown, sql: string, file: string, byteOffset = 0): OgelError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  if (!details && (error as { name?: string })?.name === 'ExitStatus') {
    // The WebAssembly parser aborted (out of memory): say so, not "[object Object]".
    const size = `${(Buffer.byteLength(sql) / 1e6).toFixed(1)} MB`;
    return new OgelError(
      'SQL_SYNTAX',
      `${file}: the SQL parser ran out of memory on this file (${size}; files are parsed in pieces of ${PARSE_CHUNK_BYTES / 1024 / 1024} MB, so one statement is too large): split it into several statements or migrations, or load the data with COPY`,
      { file, bytes: Buffer.byteLength(sql) },
      { cause: error },
    );
  }
  const message =
    details?.message ?? (error instanceof Error ? error.message : String((error as Error)?.message ?? error));
  const bytePos = (details?.cursorPosition ?? 0) + byteOffset;
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

/**
 * Maps UTF-8 byte offsets (what libpg-query reports) to JavaScript string offsets; linear over offsets that
 * grow, as statements' do (a file of a million statements must not be re-decoded from its start each time).
 */
function byteToCharOffsets(bytes: Buffer): (byteOffset: number) => number {
  if (bytes.length === bytes.toString('utf8').length) return (offset) => offset;
  let byte = 0;
  let char = 0;
  return (offset) => {
    const target = Math.min(offset, bytes.length);
    if (target < byte) [byte, char] = [0, 0];
    char += bytes.subarray(byte, target).toString('utf8').length;
    byte = target;
    return char;
  };
}

/** lineColumnAt for growing offsets, continuing from the previous one. */
function lineColumnCursor(text: string): (offset: number) => { line: number; column: number } {
  let at = 0;
  let line = 1;
  let lineStart = 0;
  return (offset) => {
    if (offset < at) [at, line, lineStart] = [0, 1, 0];
    for (; at < offset; at++) {
      if (text.charCodeAt(at) === 10) {
        line++;
        lineStart = at + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };
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
