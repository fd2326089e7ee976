import pg from 'pg';
import { OgelError } from '../errors.js';

/**
 * Tracking rows are written in the same simple-protocol message as the migration's last statement (one round
 * trip per migration), and the simple protocol has no parameters: values are inlined as escaped literals.
 */
export function literal(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return pg.escapeLiteral(value);
}

/** Any name, always quoted (role and database names come from the catalog and may be anything). */
export function quotedIdentifier(name: string): string {
  return pg.escapeIdentifier(name);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema and table names come from config: validate them so they can be quoted safely. */
export function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new OgelError('CONFIG_INVALID', `${what} "${name}" must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)`, {
      [what]: name,
    });
  }
  return pg.escapeIdentifier(name);
}
