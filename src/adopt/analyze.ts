import { compareVersions } from '../core/version.js';
import { maskUrl } from '../db/url.js';
import { OgelError } from '../errors.js';
import { parseStatements, type ParsedStatement } from '../sql/parser.js';
import { isRemovedBy, scriptEffects, statementEffects } from '../sql/objects.js';
import { isTransactionControl } from '../sql/transaction-rules.js';
import { rewriteTransactionControl } from './transaction-rewrite.js';

export interface LegacyFile {
  name: string;
  content: string;
}

/** What adopt does with one legacy file. Nothing is ever dropped: every file gets one of these. */
export type Disposition =
  | { kind: 'migration'; version: string; name: string; target: string }
  | { kind: 'down'; reverses: string; target: string }
  | { kind: 'aside'; reason: string; target: string }
  | { kind: 'not-copied'; reason: string };

export interface AdoptProblem {
  file: string;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  line?: number;
  /** The flag that settles it, when a human must decide. */
  decideWith?: string;
}

export interface AdoptEntry {
  file: string;
  disposition: Disposition;
  /** The text written, when the file is copied (it may be rewritten, e.g. BEGIN/COMMIT removed). */
  content?: string;
}

export interface AdoptPlan {
  entries: AdoptEntry[];
  problems: AdoptProblem[];
}

export interface AdoptOptions {
  /** Files to move aside although they look like migrations (e.g. production-only seeds). */
  aside?: string[];
  /** Files to keep as migrations although marked DO NOT APPLY. */
  include?: string[];
  /** Explicit rollback pairing: `rollback-006.sql` → `006_add_audit_log.sql`. */
  pairs?: Record<string, string>;
  /** Renumber 001, 002, … instead of keeping numbers and inserting 006.1, 006.2 for duplicates. */
  renumber?: boolean;
}

export const ASIDE_DIR = '_aside';
const ROLLBACK_NAME = /rollback|revert|undo/i;
const HELD = /do\s+not\s+(apply|run)/i;
const SECRET =
  /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:[^@\s]+@[^\s'"]+)|(\bpassword\s*[=:]\s*['"]?[^\s'"]{3,})|(\bPASSWORD\s+'[^']+')/i;

/** The order `ls` and a shell glob give in the C locale: how the legacy files were actually applied. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Candidate {
  file: LegacyFile;
  number: string;
  statements: ParsedStatement[];
}

/**
 * Reads a legacy migrations directory (duplicate numbers, rollbacks named three ways, psql scripts, held
 * files, embedded BEGIN/COMMIT) and decides, file by file, what it becomes in ogel-migrate's format. Pure.
 * Anything it cannot decide is a problem naming the flag that decides it.
 */
export function planAdoption(files: readonly LegacyFile[], options: AdoptOptions = {}): AdoptPlan {
  const problems: AdoptProblem[] = [];
  const entries: AdoptEntry[] = [];
  const aside = (file: LegacyFile, reason: string, copy = true) =>
    entries.push(
      copy
        ? {
            file: file.name,
            disposition: { kind: 'aside', reason, target: `${ASIDE_DIR}/${file.name}` },
            content: file.content,
          }
        : { file: file.name, disposition: { kind: 'not-copied', reason } },
    );
  const ups: Candidate[] = [];
  const rollbacks: Candidate[] = [];
  for (const file of [...files].sort((a, b) => byteOrder(a.name, b.name))) {
    const secret = SECRET.exec(file.content);
    if (secret) {
      const line = file.content.slice(0, secret.index).split('\n').length;
      problems.push({
        file: file.name,
        line,
        severity: 'error',
        code: 'secret',
        message: `contains a secret (${maskUrl(secret[0])
          .replace(/(password\s*[=:]\s*['"]?)[^\s'"]+/i, '$1****')
          .replace(/(PASSWORD\s+')[^']+/i, '$1****')}): rotate it and load it from the environment`,
      });
    }
    if (file.name.includes('/')) {
      if (secret) aside(file, 'in a sub-folder, not a migration; holds a secret, so it is not copied', false);
      else aside(file, 'in a sub-folder, not a migration');
      continue;
    }
    if (!file.name.endsWith('.sql')) {
      if (secret) aside(file, 'not a SQL migration; holds a secret, so it is not copied', false);
      else aside(file, 'not a SQL migration');
      continue;
    }
    if (options.aside?.includes(file.name)) {
      aside(file, 'moved aside by --aside');
      continue;
    }
    if (/^test_/i.test(file.name) || /^\s*\\[a-z]/im.test(file.content)) {
      aside(file, 'psql script (meta-commands like \\set, \\echo), not a migration');
      continue;
    }
    const head = file.content.split('\n').slice(0, 5).join('\n');
    if (HELD.test(head) && !options.include?.includes(file.name)) {
      aside(file, 'marked DO NOT APPLY');
      problems.push({
        file: file.name,
        severity: 'info',
        code: 'held',
        message: 'marked DO NOT APPLY: moved aside, not a migration yet',
        decideWith: `--include ${file.name}`,
      });
      continue;
    }
    let statements: ParsedStatement[];
    try {
      statements = parseStatements(file.content, file.name);
    } catch (error) {
      const details = error instanceof OgelError ? (error.details as { line?: number }) : {};
      aside(file, 'does not parse');
      problems.push({
        file: file.name,
        severity: 'error',
        code: 'syntax-error',
        message: (error as Error).message,
        ...(details.line ? { line: details.line } : {}),
        decideWith: `fix the file and run adopt again, or --aside ${file.name}`,
      });
      continue;
    }
    const number = /^(\d+)/.exec(file.name)?.[1] ?? /(\d+)/.exec(file.name)?.[1];
    if (ROLLBACK_NAME.test(file.name) && number) rollbacks.push({ file, number, statements });
    else if (/^\d+/.test(file.name)) ups.push({ file, number: number!, statements });
    else {
      aside(file, 'no version number in its name');
      problems.push({
        file: file.name,
        severity: 'warning',
        code: 'no-version',
        message: 'has no version number; rename it NNN_name.sql to adopt it',
      });
    }
  }
  const targets = assignVersions(ups, options.renumber === true, problems);
  for (const up of ups) {
    const target = targets.get(up.file.name)!;
    entries.push({
      file: up.file.name,
      disposition: { kind: 'migration', version: target.version, name: target.name, target: target.file },
      content: rewrite(up, problems),
    });
    reportMigrationProblems(up, problems);
  }
  pairRollbacks(rollbacks, ups, targets, options.pairs ?? {}, entries, problems, aside);
  return { entries, problems };
}

function assignVersions(
  ups: Candidate[],
  renumber: boolean,
  problems: AdoptProblem[],
): Map<string, { version: string; name: string; file: string }> {
  const sorted = [...ups].sort((a, b) => compareVersions(a.number, b.number) || byteOrder(a.file.name, b.file.name));
  const targets = new Map<string, { version: string; name: string; file: string }>();
  const width = Math.max(3, ...sorted.map((u) => u.number.length));
  let previous = '';
  let sub = 0;
  sorted.forEach((up, index) => {
    let version: string;
    if (renumber) version = String(index + 1).padStart(width, '0');
    else {
      sub = up.number === previous ? sub + 1 : 0;
      version = sub === 0 ? up.number : `${up.number}.${sub}`;
      if (sub === 1) {
        const group = ups
          .filter((u) => u.number === up.number)
          .map((u) => u.file.name)
          .sort(byteOrder);
        problems.push({
          file: group.join(', '),
          severity: 'warning',
          code: 'duplicate-version',
          message: `${group.length} files share version ${up.number}; kept in name order as ${up.number}, ${group
            .slice(1)
            .map((_, i) => `${up.number}.${i + 1}`)
            .join(', ')}`,
          decideWith: '--renumber (001, 002, …) or rename the files',
        });
      }
    }
    previous = up.number;
    const stem = up.file.name.replace(/\.sql$/, '').replace(/^\d+[-_]?/, '');
    const name =
      stem
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'migration';
    if (name !== stem)
      problems.push({
        file: up.file.name,
        severity: 'info',
        code: 'renamed',
        message: `name "${stem}" is not [a-z0-9_]+: written as ${name}`,
      });
    targets.set(up.file.name, { version, name, file: `${version}_${name}.sql` });
  });
  return targets;
}

function rewrite(candidate: Candidate, problems: AdoptProblem[]): string {
  if (!candidate.statements.some(isTransactionControl)) return candidate.file.content;
  const result = rewriteTransactionControl(candidate.file.content, candidate.statements);
  problems.push({
    file: candidate.file.name,
    severity: result.removed ? 'info' : 'warning',
    code: 'transaction-control',
    message: result.explanation,
    ...(result.line ? { line: result.line } : {}),
  });
  return result.content;
}

function reportMigrationProblems(up: Candidate, problems: AdoptProblem[]): void {
  const onlyData =
    up.statements.length > 0 &&
    up.statements.every((s) => ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'CopyStmt'].includes(s.kind));
  if (onlyData || /seed/i.test(up.file.name)) {
    problems.push({
      file: up.file.name,
      severity: 'warning',
      code: 'data-seed',
      message: 'data only (a seed): it runs in every environment once adopted; production-only data belongs elsewhere',
      decideWith: `--aside ${up.file.name}`,
    });
  }
  const dropped = new Set<string>();
  for (const statement of up.statements) {
    const effects = statementEffects(statement);
    // A CREATE POLICY right after its own DROP POLICY IF EXISTS is the idiomatic guard, not a problem.
    const guarded = effects.creates.every((o) => dropped.has(o.key));
    for (const d of effects.drops) dropped.add(d.key);
    if (effects.notIdempotent && !guarded) {
      problems.push({
        file: up.file.name,
        line: statement.line,
        severity: 'warning',
        code: 'not-idempotent',
        message: `${effects.notIdempotent}: fails if run again on a database where it partly ran`,
      });
    }
  }
}

function pairRollbacks(
  rollbacks: Candidate[],
  ups: Candidate[],
  targets: Map<string, { version: string; name: string; file: string }>,
  pairs: Record<string, string>,
  entries: AdoptEntry[],
  problems: AdoptProblem[],
  aside: (file: LegacyFile, reason: string) => void,
): void {
  const taken = new Map<string, string>();
  for (const rollback of rollbacks) {
    const drops = scriptEffects(rollback.statements).drops;
    const scored = ups
      .filter((u) => u.number === rollback.number || pairs[rollback.file.name] === u.file.name)
      .map((up) => {
        const creates = scriptEffects(up.statements).creates;
        const reversed = creates.filter((c) => isRemovedBy(c, drops));
        return { up, creates, reversed, score: creates.length === 0 ? 0 : reversed.length / creates.length };
      })
      .sort((a, b) => b.score - a.score);
    const forced = pairs[rollback.file.name];
    const best = forced ? scored.find((s) => s.up.file.name === forced) : scored[0];
    const tie = !forced && scored.length > 1 && scored[1]!.score === best?.score;
    if (!best || (!forced && (best.score === 0 || tie))) {
      aside(rollback.file, 'rollback whose migration could not be determined');
      const options = scored.map((s) => s.up.file.name).join(', ') || 'none with that number';
      problems.push({
        file: rollback.file.name,
        severity: 'error',
        code: 'unpaired-rollback',
        message: `cannot tell which migration it reverses (candidates: ${options})`,
        decideWith: `--pair ${rollback.file.name}=<up file>`,
      });
      continue;
    }
    const target = targets.get(best.up.file.name)!;
    if (taken.has(best.up.file.name)) {
      aside(rollback.file, `a second rollback for ${best.up.file.name}`);
      problems.push({
        file: rollback.file.name,
        severity: 'error',
        code: 'duplicate-rollback',
        message: `${taken.get(best.up.file.name)} already reverses ${best.up.file.name}`,
        decideWith: `--pair ${rollback.file.name}=<up file>`,
      });
      continue;
    }
    taken.set(best.up.file.name, rollback.file.name);
    const downFile = target.file.replace(/\.sql$/, '.down.sql');
    entries.push({
      file: rollback.file.name,
      disposition: { kind: 'down', reverses: best.up.file.name, target: downFile },
      content: rewrite(rollback, problems),
    });
    const missed = best.creates.filter((c) => !best.reversed.includes(c));
    if (missed.length > 0) {
      problems.push({
        file: rollback.file.name,
        severity: 'warning',
        code: 'incomplete-rollback',
        message: `reverses ${best.up.file.name} only partly: leaves ${missed.map((m) => m.key).join(', ')}`,
      });
    }
  }
}
