import type { ParsedStatement } from '../sql/parser.js';

/** `error` fails `ogel-migrate lint` (and CI); `warning` is printed but does not. */
export type Severity = 'error' | 'warning';

/** One problem the linter found, located in the migration file (1-based line and column). */
export interface LintFinding {
  /** Kebab-case rule id, the one `-- ogel:lint-ignore RULE reason` and `lint.disabledRules` name. */
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** What is wrong and what it does to a live database. */
  message: string;
  /** How to write it safely instead. */
  hint: string;
}

/** One migration file, parsed, as the linter needs it. */
export interface LintInput {
  file: string;
  sql: string;
  /** `parseStatements(sql, file)`, passed in so callers that already parsed do not parse twice. */
  statements: ParsedStatement[];
  hasDown: boolean;
  /** True when the file was already applied and its checksum no longer matches. */
  modified?: boolean;
  /** The file carries `-- ogel:no-transaction`. */
  noTransaction: boolean;
}

/**
 * What the linter knows beyond the file itself. Names are lowercase and schema-qualified (`platform.projects`);
 * an unqualified name is read as `public.<name>`.
 */
export interface LintContext {
  /**
   * Tables created by earlier pending migrations. They are still empty and no running code uses them, so
   * locking, rewriting or renaming them is harmless.
   */
  createdTables: Set<string>;
  /**
   * `table.column` pairs that earlier pending migrations gave a validated `CHECK (column IS NOT NULL)`, which
   * lets a later `SET NOT NULL` skip its full-table scan.
   */
  notNullChecked?: Set<string>;
  /**
   * Named indexes (`schema.name`) that earlier pending migrations built on tables the pending set creates:
   * dropping one locks only a table nobody uses yet.
   */
  indexesOnNewTables?: Set<string>;
  /** The target's `server_version_num` when known; before 110000 any ADD COLUMN … DEFAULT rewrites the table. */
  serverVersionNum?: number;
}

export interface LintOptions {
  /** Rule ids switched off for every file (config `lint.disabledRules`). */
  disabledRules?: string[];
}

/** A problem as a rule reports it; the linter adds the rule id, severity, file and position. */
export interface RuleReport {
  /** Index into the file's statements; omitted for findings about the file as a whole. */
  statement?: number;
  /** The AST subtree the problem is in: its earliest `location` gives a position finer than the statement's. */
  node?: unknown;
  /** An explicit 1-based position, for findings that come from comments rather than statements. */
  line?: number;
  column?: number;
  message: string;
  hint: string;
  /** Overrides the rule's severity for this report (e.g. a default whose volatility cannot be known). */
  severity?: Severity;
}

/** Everything a rule may look at for one file. */
export interface LintTarget {
  input: LintInput;
  context: LintContext;
  /** Whether the runner wraps this file in one transaction (no directive and no CONCURRENTLY-like statement). */
  transactional: boolean;
  /**
   * False for a table created earlier in this file or by an earlier pending migration: it is empty and unseen
   * by running code, so nothing that locks or rewrites it can hurt. `relation` is a RangeVar AST node.
   */
  isExistingTable(relation: unknown, beforeStatement: number): boolean;
}

/** A lint rule: a pure function from one parsed file to its problems. */
export interface LintRule {
  id: string;
  severity: Severity;
  /** One sentence for docs and `lint --list-rules`. */
  description: string;
  check(target: LintTarget): RuleReport[];
}
