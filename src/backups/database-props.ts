import { literal, quotedIdentifier } from '../db/sql-literals.js';
import type { DatabaseProps } from './manifest.js';

/**
 * The SQL that gives a fresh database what the original had beyond its contents: pg_dump without --create
 * carries neither the database's locale nor its grants and settings, and a restore into a new database would
 * silently lose them. Pure.
 */

export function createDatabaseSql(name: string, props: DatabaseProps): string {
  const icu =
    props.localeProvider === 'i'
      ? ` LOCALE_PROVIDER icu${props.iculocale ? ` ICU_LOCALE ${literal(props.iculocale)}` : ''}`
      : props.localeProvider === 'b'
        ? ` LOCALE_PROVIDER builtin${props.iculocale ? ` BUILTIN_LOCALE ${literal(props.iculocale)}` : ''}`
        : '';
  return (
    `CREATE DATABASE ${quotedIdentifier(name)} WITH TEMPLATE template0 OWNER ${quotedIdentifier(props.owner)} ` +
    `ENCODING ${literal(props.encoding)} LC_COLLATE ${literal(props.collate)} LC_CTYPE ${literal(props.ctype)}${icu}`
  );
}

const PRIVILEGES: Record<'DATABASE' | 'SCHEMA', Record<string, string>> = {
  DATABASE: { C: 'CREATE', T: 'TEMPORARY', c: 'CONNECT' },
  SCHEMA: { U: 'USAGE', C: 'CREATE' },
};

/** One aclitem (`grantee=privileges/grantor`, grantee empty for PUBLIC, `*` after a grantable privilege). */
export function parseAclItem(item: string): {
  grantee: string | null;
  privileges: Array<{ letter: string; grantable: boolean }>;
} {
  let grantee = '';
  let i = 0;
  if (item.startsWith('"')) {
    for (i = 1; i < item.length; i++) {
      if (item[i] === '"') {
        if (item[i + 1] === '"') {
          grantee += '"';
          i++;
        } else break;
      } else grantee += item[i];
    }
    i++;
  } else {
    const eq = item.indexOf('=');
    grantee = item.slice(0, eq);
    i = eq;
  }
  const body = item.slice(i + 1, item.lastIndexOf('/'));
  const privileges: Array<{ letter: string; grantable: boolean }> = [];
  for (let j = 0; j < body.length; j++) {
    const letter = body[j]!;
    const grantable = body[j + 1] === '*';
    if (grantable) j++;
    privileges.push({ letter, grantable });
  }
  return { grantee: grantee === '' ? null : grantee, privileges };
}

/** The GRANTs that give one aclitem's privileges on an object: plain ones, then those WITH GRANT OPTION. */
export function aclGrants(kind: 'DATABASE' | 'SCHEMA', object: string, item: string): string[] {
  const { grantee, privileges } = parseAclItem(item);
  const to = grantee === null ? 'PUBLIC' : quotedIdentifier(grantee);
  const names = (grantable: boolean) =>
    privileges
      .filter((p) => p.grantable === grantable && PRIVILEGES[kind][p.letter])
      .map((p) => PRIVILEGES[kind][p.letter]!);
  const on = `ON ${kind} ${quotedIdentifier(object)} TO ${to}`;
  return [
    ...(names(false).length > 0 ? [`GRANT ${names(false).join(', ')} ${on}`] : []),
    ...(names(true).length > 0 ? [`GRANT ${names(true).join(', ')} ${on} WITH GRANT OPTION`] : []),
  ];
}

export function grantsFor(database: string, item: string): string[] {
  return aclGrants('DATABASE', database, item);
}

/** Exactly the original's privileges: what a new object has by default is revoked first. */
export function aclSql(kind: 'DATABASE' | 'SCHEMA', object: string, owner: string, acl: readonly string[]): string[] {
  const target = `${kind} ${quotedIdentifier(object)}`;
  return [
    `REVOKE ALL ON ${target} FROM PUBLIC`,
    `REVOKE ALL ON ${target} FROM ${quotedIdentifier(owner)}`,
    ...acl.flatMap((item) => aclGrants(kind, object, item)),
  ];
}

/** Variables whose value is a list (GUC_LIST_QUOTE): each element is its own literal. */
const LIST_SETTINGS = new Set([
  'search_path',
  'temp_tablespaces',
  'local_preload_libraries',
  'session_preload_libraries',
]);

/** `name=value` from pg_db_role_setting as the ALTER that sets it on `database` (for a role, or for all). */
export function settingSql(database: string, entry: { role: string | null; setting: string }): string {
  const eq = entry.setting.indexOf('=');
  const name = entry.setting.slice(0, eq);
  const value = entry.setting.slice(eq + 1);
  const values = LIST_SETTINGS.has(name.toLowerCase()) ? splitList(value).map(literal).join(', ') : literal(value);
  const scope =
    entry.role === null
      ? `DATABASE ${quotedIdentifier(database)}`
      : `ROLE ${quotedIdentifier(entry.role)} IN DATABASE ${quotedIdentifier(database)}`;
  return `ALTER ${scope} SET ${quotedIdentifier(name)} = ${values}`;
}

/** `"$user", public, app` → `$user`, `public`, `app` (double quotes protect commas and case). */
function splitList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') {
      if (quoted && value[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  items.push(current.trim());
  return items.filter((item) => item !== '');
}

/** Grants and settings of the original, for the database `name` (null acl: the defaults, nothing to do). */
export function databasePropsSql(name: string, props: DatabaseProps): string[] {
  return [
    ...(props.acl === null ? [] : aclSql('DATABASE', name, props.owner, props.acl)),
    ...props.settings.map((entry) => settingSql(name, entry)),
  ];
}
