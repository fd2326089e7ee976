import type pg from 'pg';
import { OgelError } from '../errors.js';
import { SNAPSHOT_SQL, type SnapshotRow } from './queries/index.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One schema object. `objectType` is the first word(s) of its identity (`column`, `index`, `materialized view`,
 * `grant`, …); `attributes` are plain JSON, free of OIDs and of anything that differs between two databases built
 * by the same DDL, so two snapshots compare with deep equality.
 */
export interface SchemaObject {
  objectType: string;
  /** Identity of the object this one belongs to (a column's table, a grant's target), for grouping; not compared. */
  parent?: string;
  attributes: Record<string, JsonValue>;
}

/**
 * The user-visible schema of one database, keyed by identity string (`table platform.projects`,
 * `column platform.projects.tags`, …) in sorted order, so `JSON.stringify` of equal schemas is equal too.
 */
export interface SchemaSnapshot {
  objects: Record<string, SchemaObject>;
}

export interface SnapshotOptions {
  /** Schemas to leave out entirely (pg_catalog, information_schema, pg_toast* and pg_temp* always are). */
  excludeSchemas?: string[];
  /** Tables to leave out with their columns, indexes, constraints, triggers, policies, grants and owned sequences,
   * as `schema.table` (e.g. the tracking table `platform.schema_migrations`). */
  excludeTables?: string[];
}

/**
 * Session settings that change how the server prints definitions: with an empty search_path every non-catalog
 * name comes out schema-qualified, and the date/number/bytea output settings fix how constants in defaults and
 * checks are printed. Pinned for the read and restored afterwards, so two sessions with different settings agree.
 */
export const PINNED_SETTINGS: Record<string, string> = {
  search_path: '',
  quote_all_identifiers: 'off',
  standard_conforming_strings: 'on',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  extra_float_digits: '1',
  bytea_output: 'hex',
};

/**
 * Settings for the read itself rather than its output. JIT off: the snapshot is one statement of dozens of
 * joins over the catalogs, whose estimated cost passes `jit_above_cost` on a stock server (`jit = on` by
 * default, and in effect wherever PostgreSQL was built with LLVM, as Debian's and the `postgres` image are);
 * compiling it took seconds to minutes for a read that runs in milliseconds. Only our own reads are affected:
 * the settings are restored (or transaction-local) before any migration runs.
 */
export const READ_SETTINGS: Record<string, string> = { jit: 'off' };

/**
 * Reads the schema of the database `client` is connected to from the system catalogs, in one set-based query.
 * Safe inside the caller's transaction (it only reads; settings it pins, output and READ_SETTINGS, are restored
 * before it returns).
 * Roles are cluster-wide and not recorded; grants to them, and object owners, are. Needs PostgreSQL 14 or later
 * (SQL-standard function bodies); four round trips whatever the schema's size.
 */
export async function snapshotSchema(client: pg.ClientBase, options: SnapshotOptions = {}): Promise<SchemaSnapshot> {
  const pinned = { ...PINNED_SETTINGS, ...READ_SETTINGS };
  const names = Object.keys(pinned);
  const current = await client.query<{ value: string }>(
    'SELECT current_setting(n) AS value FROM unnest($1::text[]) WITH ORDINALITY AS s(n, i) ORDER BY i',
    [names],
  );
  const saved = current.rows.map((row) => row.value);
  const setAll = (values: string[]) =>
    client.query('SELECT set_config(n, v, false) FROM unnest($1::text[], $2::text[]) AS s(n, v)', [names, values]);
  let rows: SnapshotRow[];
  try {
    await setAll(Object.values(pinned));
    rows = (await client.query<SnapshotRow>(SNAPSHOT_SQL, snapshotParameters(options, null))).rows;
  } catch (error) {
    // In an aborted transaction the restore fails too, but the rollback undoes set_config anyway.
    await setAll(saved).catch(() => {});
    throw error;
  }
  await setAll(saved);
  return buildSnapshot(rows);
}

/**
 * The parameters of a snapshot query: the options, and the relations a scoped variant reads (`schema.name` or
 * a bare name; null for the whole catalog — see SnapshotShape).
 */
export function snapshotParameters(
  options: SnapshotOptions,
  relations: string[] | null,
): [string[], string[], string[] | null] {
  return [options.excludeSchemas ?? [], options.excludeTables ?? [], relations];
}

/** Builds a snapshot from the rows of SNAPSHOT_SQL (in any order). */
export function buildSnapshot(rows: SnapshotRow[]): SchemaSnapshot {
  rows.sort((a, b) => compareText(a.identity, b.identity));
  const objects: Record<string, SchemaObject> = {};
  for (const row of rows) {
    if (Object.hasOwn(objects, row.identity)) {
      throw new OgelError('INTERNAL', `Two schema objects share the identity "${row.identity}"`, {
        identity: row.identity,
      });
    }
    const object: SchemaObject = {
      objectType: row.object_type,
      attributes: canonicalJson(row.attrs) as Record<string, JsonValue>,
    };
    if (row.parent !== null) object.parent = row.parent;
    objects[row.identity] = object;
  }
  return { objects };
}

/** Plain code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Copies a JSON value with object keys sorted at every level, so serialisations and comparisons are stable. */
export function canonicalJson(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value).sort(compareText))
      out[key] = canonicalJson((value as Record<string, unknown>)[key]);
    return out;
  }
  return value as JsonValue;
}
