import { OgelError } from '../errors.js';
import type { Migration, MigrationSet } from './migration.js';

/**
 * `${name}` in migration SQL, replaced per target (a tenant's schema, its name): Flyway's syntax, so Flyway
 * projects move over unchanged. Names are identifiers (`[A-Za-z_][A-Za-z0-9_]*`); values are inserted exactly
 * as given, not quoted, the way Flyway does it. Substitution happens after the checksum is taken: the tracking
 * table records the template's checksum, so the same file is "the same migration" on every tenant.
 */
export type PlaceholderValues = Readonly<Record<string, string>>;

/** One `${name}` in one file, 1-based. */
export interface PlaceholderUse {
  file: string;
  line: number;
  column: number;
  name: string;
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Every `${name}` in `sql`, in order. */
export function placeholderUses(file: string, sql: string): PlaceholderUse[] {
  if (!sql.includes('${')) return [];
  const uses: PlaceholderUse[] = [];
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (const match of sql.matchAll(PLACEHOLDER)) {
    for (let i = scanned; i < match.index; i++) {
      if (sql.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    scanned = match.index;
    uses.push({ file, line, column: match.index - lineStart + 1, name: match[1]! });
  }
  return uses;
}

/** Every `${name}` in the up and down files of a set. */
export function placeholderUsesOf(migrations: readonly Migration[]): PlaceholderUse[] {
  return migrations.flatMap((m) => [
    ...placeholderUses(m.file, m.upSql),
    ...(m.downSql !== undefined ? placeholderUses(m.downFile!, m.downSql) : []),
  ]);
}

/** The uses whose name has no value: what an UNKNOWN_PLACEHOLDER error lists. */
export function unknownPlaceholders(uses: readonly PlaceholderUse[], values: PlaceholderValues): PlaceholderUse[] {
  return uses.filter((use) => !Object.hasOwn(values, use.name));
}

/** The error for unknown placeholders: every one named with its file, line and column, and the known names. */
export function unknownPlaceholderError(
  unknown: readonly PlaceholderUse[],
  values: PlaceholderValues,
  target?: string,
): OgelError {
  const known = Object.keys(values).sort();
  const list = unknown.map((u) => `  ${u.file}:${u.line}:${u.column}: \${${u.name}}`).join('\n');
  return new OgelError(
    'UNKNOWN_PLACEHOLDER',
    `Refusing to run: ${unknown.length} unknown placeholder(s)${target ? ` for ${target}` : ''} ` +
      `(known: ${known.map((k) => `\${${k}}`).join(', ') || 'none'})\n${list}`,
    { placeholders: unknown.map((u) => ({ ...u })), known, ...(target ? { target } : {}) },
  );
}

/**
 * The set with every `${name}` replaced by its value; checksums stay the template's. Throws UNKNOWN_PLACEHOLDER
 * naming every unknown one before anything could run. Pure.
 */
export function applyPlaceholders(set: MigrationSet, values: PlaceholderValues): MigrationSet {
  // Repeatable migrations are templates too: a view per tenant schema is their common case.
  const unknown = unknownPlaceholders(placeholderUsesOf([...set.migrations, ...set.repeatables]), values);
  if (unknown.length > 0) throw unknownPlaceholderError(unknown, values);
  const substitute = (sql: string) =>
    sql.includes('${') ? sql.replace(PLACEHOLDER, (_match, name: string) => values[name]!) : sql;
  const apply = (m: MigrationSet['migrations'][number]) => ({
    ...m,
    upSql: substitute(m.upSql),
    ...(m.downSql !== undefined ? { downSql: substitute(m.downSql) } : {}),
  });
  return { ...set, migrations: set.migrations.map(apply), repeatables: set.repeatables.map(apply) };
}
