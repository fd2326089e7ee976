import { strings, type Node } from './ast.js';

/**
 * Since PostgreSQL 11, ADD COLUMN … DEFAULT evaluates a non-volatile default once and stores it in the
 * catalog; a volatile one must be computed per row, so the whole table is rewritten under ACCESS EXCLUSIVE.
 * The parser cannot look functions up, so it classifies by name: known volatile, known safe, or unknown.
 */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'setseed',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'gen_random_bytes',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'nextval',
  'currval',
  'lastval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
]);

/** Stable or immutable built-ins commonly used as defaults (now() is stable: one value per transaction). */
const SAFE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'current_database',
  'current_schema',
  'lower',
  'upper',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'concat',
  'concat_ws',
  'length',
  'substr',
  'substring',
  'replace',
  'md5',
  'abs',
  'round',
  'floor',
  'ceil',
  'greatest',
  'least',
  'coalesce',
  'nullif',
  'to_char',
  'to_date',
  'to_timestamp',
  'to_json',
  'to_jsonb',
  'json_build_object',
  'jsonb_build_object',
  'json_build_array',
  'jsonb_build_array',
  'array_fill',
  'make_interval',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'date_trunc',
  'timezone',
  'int4',
  'int8',
  'numeric',
  'text',
]);

export type Volatility = { kind: 'safe' } | { kind: 'volatile' | 'unknown'; fn: string };

/** The worst function call inside a DEFAULT expression. A sub-select is unknown: it may call anything. */
export function defaultVolatility(expr: unknown): Volatility {
  let unknown: string | undefined;
  let volatile: string | undefined;
  const visit = (value: unknown): void => {
    if (volatile) return;
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    if (node.FuncCall) {
      const names = strings((node.FuncCall as Node).funcname);
      const name = (names[names.length - 1] ?? '').toLowerCase();
      if (VOLATILE.has(name)) volatile = name;
      else if (!SAFE.has(name)) unknown ??= name;
    }
    if (node.SubLink) unknown ??= '(sub-select)';
    Object.values(node).forEach(visit);
  };
  visit(expr);
  if (volatile) return { kind: 'volatile', fn: volatile };
  return unknown ? { kind: 'unknown', fn: unknown } : { kind: 'safe' };
}

/** `DEFAULT NULL` is what a column has anyway: it never rewrites, even before PostgreSQL 11. */
export function isNullDefault(expr: unknown): boolean {
  const constant = (expr as Node | undefined)?.A_Const as Node | undefined;
  return constant?.isnull === true;
}
