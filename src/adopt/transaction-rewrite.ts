import type { ParsedStatement } from '../sql/parser.js';
import { isTransactionControl } from '../sql/transaction-rules.js';

export interface RewriteResult {
  content: string;
  /** True when BEGIN/COMMIT were commented out (the file becomes transactional). */
  removed: boolean;
  explanation: string;
  line?: number;
}

/**
 * A legacy file's own BEGIN … COMMIT is what the runner does anyway, so a single plain pair is commented out
 * (line numbers stay put) and the file becomes atomic with its tracking row. Anything else (ROLLBACK, several
 * transactions, PREPARE) is kept as written under `-- ogel:no-transaction`, and said so.
 */
export function rewriteTransactionControl(content: string, statements: readonly ParsedStatement[]): RewriteResult {
  const control = statements.filter(isTransactionControl);
  const kinds = control.map((s) => String(s.node.kind));
  const simplePair =
    control.length === 2 &&
    ['TRANS_STMT_BEGIN', 'TRANS_STMT_START'].includes(kinds[0]!) &&
    kinds[1] === 'TRANS_STMT_COMMIT' &&
    statements.indexOf(control[0]!) < statements.indexOf(control[1]!);
  if (!simplePair) {
    return {
      content: `-- ogel:no-transaction\n${content}`,
      removed: false,
      line: control[0]?.line,
      explanation: `manages its own transactions (${control.map((s) => `${s.text.split(/\s/)[0]} at line ${s.line}`).join(', ')}): kept as written under -- ogel:no-transaction, so it is not atomic with its tracking row; review it`,
    };
  }
  let rewritten = content;
  // Replace from the end so earlier offsets stay valid.
  for (const statement of [...control].reverse()) {
    let end = statement.end;
    while (end < rewritten.length && /\s/.test(rewritten[end]!) && rewritten[end] !== '\n') end++;
    if (rewritten[end] === ';') end++;
    const original = rewritten.slice(statement.start, end);
    // A block comment, not `--`: other statements may follow on the same line.
    const note = `/* ${original.replace(/\*\//g, '* /')} removed by ogel-migrate adopt: the runner wraps the file in one transaction */`;
    rewritten = `${rewritten.slice(0, statement.start)}${note}${rewritten.slice(end)}`;
  }
  const after = statements.length - 1 - statements.indexOf(control[1]!);
  return {
    content: rewritten,
    removed: true,
    line: control[0]!.line,
    explanation:
      `its BEGIN (line ${control[0]!.line}) and COMMIT (line ${control[1]!.line}) were commented out: it now runs in one transaction with its tracking row` +
      (after > 0 ? `; the ${after} statement(s) after its COMMIT now run inside that transaction too` : ''),
  };
}
