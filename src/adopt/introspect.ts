import type pg from 'pg';
import type { Migration } from '../core/migration.js';
import { ensureParser, parseStatements } from '../sql/parser.js';
import { scriptEffects, type ObjectRef } from '../sql/objects.js';

export type IntrospectState = 'applied' | 'partial' | 'not-applied' | 'unknown';

export interface IntrospectResult {
  version: string;
  name: string;
  state: IntrospectState;
  present: string[];
  missing: string[];
  /** Why the state is `unknown` (no objects the parser can check, or the file does not parse). */
  note?: string;
}

/**
 * One set-based catalog lookup: for each (type, name) whether it exists. Unqualified names were already
 * taken as `public` by the parser layer.
 */
const PRESENCE_SQL = `
SELECT k.i, CASE k.t
  WHEN 'schema' THEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = k.n)
  WHEN 'table' THEN to_regclass(k.n) IS NOT NULL
  WHEN 'view' THEN to_regclass(k.n) IS NOT NULL
  WHEN 'sequence' THEN to_regclass(k.n) IS NOT NULL
  WHEN 'index' THEN to_regclass(k.n) IS NOT NULL
  WHEN 'type' THEN to_regtype(k.n) IS NOT NULL
  WHEN 'extension' THEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = k.n)
  WHEN 'role' THEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = k.n)
  WHEN 'rls' THEN COALESCE((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(k.n)), false)
  WHEN 'function' THEN EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
                                WHERE s.nspname = split_part(k.n, '.', 1) AND p.proname = split_part(k.n, '.', 2))
  WHEN 'column' THEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(split_part(k.n, '.', 1) || '.' || split_part(k.n, '.', 2))
                              AND attname = split_part(k.n, '.', 3) AND attnum > 0 AND NOT attisdropped)
  WHEN 'policy' THEN EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = to_regclass(split_part(k.n, '.', 1) || '.' || split_part(k.n, '.', 2))
                              AND polname = split_part(k.n, '.', 3))
  WHEN 'trigger' THEN EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(split_part(k.n, '.', 1) || '.' || split_part(k.n, '.', 2))
                               AND tgname = split_part(k.n, '.', 3) AND NOT tgisinternal)
  ELSE false END AS present
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(t, n, i)`;

/**
 * Compares what each migration creates (per the parser) with the live catalogs: applied, partly applied (with
 * what is missing), not applied — or unknown when a file creates nothing checkable. Read-only.
 */
export async function introspectMigrations(
  client: pg.ClientBase,
  migrations: readonly Migration[],
): Promise<IntrospectResult[]> {
  await ensureParser();
  const wanted = migrations.map((m) => {
    try {
      return { migration: m, objects: scriptEffects(parseStatements(m.upSql, m.file)).creates };
    } catch (error) {
      return { migration: m, objects: [] as ObjectRef[], note: `does not parse: ${(error as Error).message}` };
    }
  });
  const all = wanted.flatMap((w) => w.objects);
  const presence = new Map<string, boolean>();
  if (all.length > 0) {
    const result = await client.query<{ i: string; present: boolean }>(PRESENCE_SQL, [
      all.map((o) => o.type),
      all.map((o) => o.key.slice(o.type.length + 1)),
    ]);
    for (const row of result.rows) presence.set(all[Number(row.i) - 1]!.key, row.present);
  }
  return wanted.map(({ migration, objects, note }) => {
    const present = objects.filter((o) => presence.get(o.key)).map((o) => o.key);
    const missing = objects.filter((o) => !presence.get(o.key)).map((o) => o.key);
    const state: IntrospectState =
      objects.length === 0
        ? 'unknown'
        : missing.length === 0
          ? 'applied'
          : present.length === 0
            ? 'not-applied'
            : 'partial';
    return {
      version: migration.version,
      name: migration.name,
      state,
      present,
      missing,
      ...(state === 'unknown'
        ? { note: note ?? 'creates nothing the catalogs can confirm (data, grants, ALTERs only): decide by hand' }
        : {}),
    };
  });
}
